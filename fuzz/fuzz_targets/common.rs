//! Shared by the targets: JSON values built from fuzzer bytes, with keys and strings drawn
//! mostly from a vocabulary (so the parsers get past "unknown member" quickly) and odd
//! numbers (huge, negative, fractional, limits).
#![allow(dead_code)]

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Number, Value};

/// Keys and strings seen in sample documents, plus extras.
pub struct Vocab {
    pub keys: Vec<String>,
    pub strings: Vec<String>,
}

impl Vocab {
    /// Every object key and string value of `docs`, plus `extra_keys` and `extra_strings`.
    pub fn from_docs(docs: &[Value], extra_keys: &[&str], extra_strings: &[&str]) -> Vocab {
        let mut v = Vocab {
            keys: extra_keys.iter().map(|s| s.to_string()).collect(),
            strings: extra_strings.iter().map(|s| s.to_string()).collect(),
        };
        for d in docs {
            v.collect(d);
        }
        v.keys.sort();
        v.keys.dedup();
        v.strings.sort();
        v.strings.dedup();
        v
    }

    fn collect(&mut self, d: &Value) {
        match d {
            Value::String(s) => self.strings.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| self.collect(x)),
            Value::Object(o) => {
                for (k, x) in o {
                    self.keys.push(k.clone());
                    self.collect(x);
                }
            }
            _ => {}
        }
    }
}

const ODD_NUMBERS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    2.0,
    10.0,
    40.0,
    41.0,
    100.0,
    200.0,
    1000.0,
    1e9,
    4294967295.0,
    4294967296.0,
    9007199254740993.0,
    1e18,
    1e300,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    5e-324,
    -1e300,
    1e-9,
];

pub fn number(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=4u8)? {
        0 => Value::from(*u.choose(ODD_NUMBERS)?),
        1 => Value::from(u.arbitrary::<i64>()?),
        2 => Value::from(u.arbitrary::<u64>()?),
        3 => Number::from_f64(u.arbitrary::<f64>()?)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        _ => Value::from(u.int_in_range(-3i64..=60)?),
    })
}

pub fn string(u: &mut Unstructured, vocab: &Vocab) -> Result<String> {
    Ok(match u.int_in_range(0..=5u8)? {
        0 => u.arbitrary::<String>()?,
        1 if !vocab.strings.is_empty() && !vocab.keys.is_empty() => {
            // An expression-like mix of two known strings.
            let a = u.choose(&vocab.strings)?;
            let b = u.choose(&vocab.keys)?;
            format!("{a}[{b}]")
        }
        2 if !vocab.keys.is_empty() => u.choose(&vocab.keys)?.clone(),
        _ if !vocab.strings.is_empty() => u.choose(&vocab.strings)?.clone(),
        _ => u.arbitrary::<String>()?,
    })
}

pub fn key(u: &mut Unstructured, vocab: &Vocab) -> Result<String> {
    if !vocab.keys.is_empty() && u.ratio(7u8, 8)? {
        Ok(u.choose(&vocab.keys)?.clone())
    } else {
        u.arbitrary::<String>()
    }
}

pub fn value(u: &mut Unstructured, vocab: &Vocab, depth: u32) -> Result<Value> {
    let top = if depth == 0 { 4 } else { 6 };
    Ok(match u.int_in_range(0..=top)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => number(u)?,
        3 | 4 => Value::String(string(u, vocab)?),
        5 => {
            let n = u.int_in_range(0..=4u8)?;
            let mut a = Vec::new();
            for _ in 0..n {
                a.push(value(u, vocab, depth - 1)?);
            }
            Value::Array(a)
        }
        _ => {
            let n = u.int_in_range(0..=4u8)?;
            let mut m = Map::new();
            for _ in 0..n {
                m.insert(key(u, vocab)?, value(u, vocab, depth - 1)?);
            }
            Value::Object(m)
        }
    })
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(o) => o.values().map(count).sum(),
        _ => 0,
    }
}

/// The `k`-th node in depth-first order.
fn nth(v: &mut Value, k: &mut usize) -> Option<*mut Value> {
    if *k == 0 {
        return Some(v as *mut Value);
    }
    *k -= 1;
    match v {
        Value::Array(a) => a.iter_mut().find_map(|x| nth(x, k)),
        Value::Object(o) => o.values_mut().find_map(|x| nth(x, k)),
        _ => None,
    }
}

/// One edit somewhere in `doc`: a node replaced, a member added or removed, an element
/// duplicated or removed.
pub fn mutate(u: &mut Unstructured, vocab: &Vocab, doc: &mut Value) -> Result<()> {
    let mut k = u.int_in_range(0..=count(doc) - 1)?;
    // SAFETY: the pointer is to a node of `doc`, used once while `doc` is not otherwise borrowed.
    let node = unsafe { &mut *nth(doc, &mut k).expect("k < count") };
    match u.int_in_range(0..=5u8)? {
        0 | 1 => *node = value(u, vocab, 2)?,
        2 => match node {
            Value::Object(o) => {
                o.insert(key(u, vocab)?, value(u, vocab, 2)?);
            }
            Value::Array(a) => a.push(value(u, vocab, 2)?),
            other => *other = number(u)?,
        },
        3 => match node {
            Value::Object(o) if !o.is_empty() => {
                let i = u.choose_index(o.len())?;
                let key = o.keys().nth(i).cloned().expect("index < len");
                o.remove(&key);
            }
            Value::Array(a) if !a.is_empty() => {
                let i = u.choose_index(a.len())?;
                a.remove(i);
            }
            other => *other = Value::String(string(u, vocab)?),
        },
        4 => match node {
            Value::Array(a) if !a.is_empty() => {
                let i = u.choose_index(a.len())?;
                let x = a[i].clone();
                let n = u.int_in_range(1..=40u8)?;
                for _ in 0..n {
                    a.push(x.clone());
                }
            }
            other => *other = number(u)?,
        },
        _ => *node = number(u)?,
    }
    Ok(())
}
