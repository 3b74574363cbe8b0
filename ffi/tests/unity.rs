//! `samples/unity/Binding/Playfield.cs` declares the whole of `include/playfield.h` for C#: every
//! function with a matching P/Invoke signature, every struct with the same fields in the same
//! order and blittable-compatible types, every constant with its value. There is no C#
//! toolchain here, so this test reads both files.

use regex::Regex;
use std::collections::BTreeMap;
use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The header without its comments, whitespace collapsed inside declarations.
fn header_body() -> String {
    read("include/playfield.h")
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits `type name` (C) into a normalized type and the name.
fn split_decl(decl: &str) -> (String, String) {
    let decl = squash(&decl.replace('*', " * "));
    let (ty, name) = decl.rsplit_once(' ').expect("type and name");
    (ty.replace(" *", "*"), name.to_owned())
}

/// The C# types a C type may be declared as, in a parameter (`param`) or a return/field.
fn allowed(c: &str, position: &str) -> Vec<&'static str> {
    match (c, position) {
        ("bool", "param") => vec!["[MarshalAs(UnmanagedType.U1)] bool"],
        ("bool", "return") => vec!["[return: MarshalAs(UnmanagedType.U1)] bool"],
        ("bool", "field") => vec!["[MarshalAs(UnmanagedType.U1)] bool"],
        ("void", _) => vec!["void"],
        ("int32_t", _) => vec!["int"],
        ("uint32_t", _) => vec!["uint"],
        ("int64_t", _) => vec!["long"],
        ("uint64_t" | "PlayfieldSdk", _) => vec!["ulong"],
        ("size_t", _) => vec!["UIntPtr", "nuint"],
        ("double", _) => vec!["double"],
        ("const char*", "param") => vec!["[MarshalAs(UnmanagedType.LPUTF8Str)] string", "IntPtr"],
        ("struct PlayfieldError*", "param") => vec!["ref PlayfieldError"],
        (c, "param") if c.starts_with("const struct ") && c.ends_with('*') => {
            // `ref T` for input structs; checked against the name below.
            vec!["ref", "IntPtr"]
        }
        (c, _) if c.ends_with('*') || c.ends_with("Callback") => vec!["IntPtr"],
        (c, "field") if c.starts_with("struct ") => vec!["struct"],
        (other, pos) => panic!("no C# mapping for C type {other:?} as {pos}"),
    }
}

fn check_type(c: &str, cs: &str, position: &str, at: &str, errors: &mut Vec<String>) {
    let cs = squash(cs);
    let ok = allowed(c, position).iter().any(|a| match *a {
        "ref" => {
            let inner = c.trim_start_matches("const struct ").trim_end_matches('*');
            cs == format!("ref {inner}") || cs == format!("in {inner}")
        }
        "struct" => cs == c.trim_start_matches("struct "),
        a => cs == a,
    });
    if !ok {
        errors.push(format!(
            "{at}: C type `{c}` is declared as `{cs}` in C# (expected one of {:?})",
            allowed(c, position)
        ));
    }
}

struct CFunction {
    ret: String,
    params: Vec<(String, String)>,
}

fn header_functions() -> BTreeMap<String, CFunction> {
    let re = Regex::new(r"(?ms)^([A-Za-z_][\w \*]*?)\s*\b(playfield_\w+)\((.*?)\);").unwrap();
    let body = header_body();
    let mut out = BTreeMap::new();
    for cap in re.captures_iter(&body) {
        let ret = squash(&cap[1].replace('*', " * ")).replace(" *", "*");
        let params = squash(&cap[3]);
        let params = if params == "void" {
            vec![]
        } else {
            params.split(',').map(split_decl).collect()
        };
        out.insert(cap[2].to_owned(), CFunction { ret, params });
    }
    out
}

fn header_structs() -> BTreeMap<String, Vec<(String, String)>> {
    let re = Regex::new(r"(?s)typedef struct (\w+) \{(.*?)\} \w+;").unwrap();
    let body = header_body();
    re.captures_iter(&body)
        .map(|cap| {
            let fields = cap[2]
                .split(';')
                .map(squash)
                .filter(|f| !f.is_empty())
                .map(|f| split_decl(&f))
                .collect();
            (cap[1].to_owned(), fields)
        })
        .collect()
}

struct CsFunction {
    ret: String,
    params: Vec<(String, String)>,
    dll_import: bool,
}

fn cs_functions(cs: &str) -> BTreeMap<String, CsFunction> {
    let re = Regex::new(
        r"(?s)(\[DllImport\([^\]]*\)\]\s*)?(\[return: MarshalAs\(UnmanagedType\.U1\)\]\s*)?public static extern (\w+) (playfield_\w+)\((.*?)\);",
    )
    .unwrap();
    re.captures_iter(cs)
        .map(|cap| {
            let ret = match cap.get(2) {
                Some(_) => format!("[return: MarshalAs(UnmanagedType.U1)] {}", &cap[3]),
                None => cap[3].to_owned(),
            };
            let params = squash(&cap[5]);
            let params = if params.is_empty() {
                vec![]
            } else {
                params
                    .split(',')
                    .map(|p| {
                        let (ty, name) = p.trim().rsplit_once(' ').expect("type and name");
                        (ty.to_owned(), name.to_owned())
                    })
                    .collect()
            };
            let dll_import = cap
                .get(1)
                .is_some_and(|m| m.as_str().contains("CallingConvention.Cdecl"));
            (
                cap[4].to_owned(),
                CsFunction {
                    ret,
                    params,
                    dll_import,
                },
            )
        })
        .collect()
}

fn cs_structs(cs: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let re = Regex::new(
        r"(?s)\[StructLayout\(LayoutKind\.Sequential\)\]\s*public struct (\w+)\s*\{(.*?)\n\s*\}",
    )
    .unwrap();
    let field = Regex::new(r"^(\[MarshalAs\(UnmanagedType\.U1\)\] )?public (\w+) (\w+);$").unwrap();
    re.captures_iter(cs)
        .map(|cap| {
            let fields = cap[2]
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .map(|l| {
                    let f = field
                        .captures(l)
                        .unwrap_or_else(|| panic!("unexpected line in struct {}: {l}", &cap[1]));
                    let ty = match f.get(1) {
                        Some(_) => format!("[MarshalAs(UnmanagedType.U1)] {}", &f[2]),
                        None => f[2].to_owned(),
                    };
                    (ty, f[3].to_owned())
                })
                .collect();
            (cap[1].to_owned(), fields)
        })
        .collect()
}

#[test]
fn every_function_is_declared_with_a_matching_signature() {
    let cs = read("samples/unity/Binding/Playfield.cs");
    let declared = cs_functions(&cs);
    let header = header_functions();
    assert!(header.len() > 30, "parsed only {} functions", header.len());
    let mut errors = Vec::new();
    for (name, f) in &header {
        let Some(d) = declared.get(name) else {
            errors.push(format!("{name} is not declared in Playfield.cs"));
            continue;
        };
        if !d.dll_import {
            errors.push(format!(
                "{name}: needs [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]"
            ));
        }
        check_type(
            &f.ret,
            &d.ret,
            "return",
            &format!("{name} return"),
            &mut errors,
        );
        if f.params.len() != d.params.len() {
            errors.push(format!(
                "{name}: {} parameters in C, {} in C#",
                f.params.len(),
                d.params.len()
            ));
            continue;
        }
        for ((cty, cname), (csty, csname)) in f.params.iter().zip(&d.params) {
            // `@params` is C#'s way of naming a parameter `params` (a keyword there).
            let csname = csname.strip_prefix('@').unwrap_or(csname);
            if cname != csname {
                errors.push(format!(
                    "{name}: parameter `{cname}` is called `{csname}` in C#"
                ));
            }
            check_type(cty, csty, "param", &format!("{name}({cname})"), &mut errors);
        }
    }
    for name in declared.keys() {
        if !header.contains_key(name) {
            errors.push(format!(
                "{name} is declared in C# but not exported by the library"
            ));
        }
    }
    assert!(
        errors.is_empty(),
        "Playfield.cs is out of step:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_struct_has_the_same_fields_in_the_same_order() {
    let cs = read("samples/unity/Binding/Playfield.cs");
    let declared = cs_structs(&cs);
    let header = header_structs();
    assert!(header.len() > 15, "parsed only {} structs", header.len());
    let mut errors = Vec::new();
    for (name, fields) in &header {
        let Some(d) = declared.get(name) else {
            errors.push(format!(
                "struct {name} is not declared (Sequential) in Playfield.cs"
            ));
            continue;
        };
        let c_names: Vec<_> = fields.iter().map(|f| &f.1).collect();
        let cs_names: Vec<_> = d.iter().map(|f| &f.1).collect();
        if c_names != cs_names {
            errors.push(format!(
                "struct {name}: fields {c_names:?} in C, {cs_names:?} in C#"
            ));
            continue;
        }
        for ((cty, field), (csty, _)) in fields.iter().zip(d) {
            check_type(cty, csty, "field", &format!("{name}.{field}"), &mut errors);
        }
    }
    assert!(
        errors.is_empty(),
        "Playfield.cs is out of step:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_constant_has_its_value() {
    let cs = read("samples/unity/Binding/Playfield.cs");
    let header = read("include/playfield.h");
    let define = Regex::new(r"#define (PLAYFIELD_\w+) (-?\d+)").unwrap();
    let mut count = 0;
    for cap in define.captures_iter(&header) {
        count += 1;
        let expected = format!("public const int {} = {};", &cap[1], &cap[2]);
        assert!(cs.contains(&expected), "Playfield.cs lacks `{expected}`");
    }
    assert!(count > 30, "parsed only {count} constants");
}

#[test]
fn callback_delegates_match_the_header() {
    let cs = read("samples/unity/Binding/Playfield.cs");
    let header = header_body();
    let typedef = Regex::new(r"(?s)typedef (\w+) \(\*(\w+)\)\((.*?)\);").unwrap();
    let mut count = 0;
    for cap in typedef.captures_iter(&header) {
        count += 1;
        let arity = cap[3].split(',').count();
        let delegate = Regex::new(&format!(
            r"(?s)\[UnmanagedFunctionPointer\(CallingConvention\.Cdecl\)\]\s*(\[return: MarshalAs\(UnmanagedType\.U1\)\]\s*)?public delegate (\w+) {}\((.*?)\);",
            &cap[2]
        ))
        .unwrap();
        let d = delegate
            .captures(&cs)
            .unwrap_or_else(|| panic!("delegate {} missing", &cap[2]));
        assert_eq!(&d[2], &cap[1], "{} return type", &cap[2]);
        if &cap[1] == "bool" {
            assert!(
                d.get(1).is_some(),
                "{}: bool return needs MarshalAs U1",
                &cap[2]
            );
        }
        assert_eq!(d[3].split(',').count(), arity, "{} arity", &cap[2]);
    }
    assert_eq!(count, 4);
}
