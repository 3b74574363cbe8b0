//! Every citation in the code resolves inside the repository (issue 13, item 5).
//!
//! Comments and messages cite the protocol notes in `docs/` by section number or heading, and
//! the four source documents ("the guide", "seed 000".."seed 003") by line number. This test
//! reads every `.rs` file of the workspace and checks each citation against `docs/`:
//!
//! - a section number after a notes file's name (or after the file named last in the same
//!   source file) must be the number of a heading of that file;
//! - a heading named after a file's name (`"Choices"`, a quoted name, or an operation or
//!   shape name written in CamelCase) must be a heading of that file;
//! - a line number after a seed (the guide is seed 002) must fall in one of the line ranges
//!   `docs/sources.md` indexes for that seed, and a quoted section name right after a seed
//!   must be one of the titles indexed for it;
//! - a line number of the service model must exist in the repository's copy of the model;
//! - a line number cited in a notes file is an error (the notes are cited by section), and so
//!   is a path to the documents outside the repository (`docs/rewrite-citations.sh` rewrites
//!   both forms).
//!
//! On failure it names every citation that does not resolve as `file:line: reason`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The notes in `docs/` that the code cites by section, as the code names them.
const NOTES: [&str; 5] = [
    "sdk-wire-protocol",
    "service-api",
    "lessons-from-peers",
    "architecture",
    "glossary",
];

/// The repository's copy of the GameLift service model, cited by line and by shape.
const MODEL: &str = "emulator/src/api/model/gamelift-service-2.json";

/// This file describes the citation forms in prose; it is not itself scanned.
const SELF: &str = "tests/tests/docs_citations.rs";

/// One notes file: its section numbers, heading names, and the numbered steps or table rows
/// of each section (cited as "§1.3 step 9", "§9 row 23").
#[derive(Default)]
struct Note {
    numbers: BTreeSet<String>,
    headings: Vec<String>,
    items: BTreeMap<String, BTreeSet<u32>>,
}

impl Note {
    fn parse(text: &str) -> Note {
        let mut note = Note::default();
        let mut section = String::new();
        for line in text.lines() {
            let Some(heading) = line.strip_prefix('#') else {
                let item = line.strip_prefix("| ").unwrap_or(line);
                let n = leading_number(item, false);
                let is_item = !n.is_empty()
                    && (item[n.len()..].starts_with(". ") || item[n.len()..].starts_with(" |"));
                if is_item {
                    let items = note.items.entry(section.clone()).or_default();
                    items.insert(n.parse().unwrap_or(0));
                }
                continue;
            };
            let heading = heading.trim_start_matches('#').trim();
            let number: String = heading
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let number = number.trim_end_matches('.');
            if !number.is_empty() {
                note.numbers.insert(number.to_string());
                section = number.to_string();
            }
            note.headings.push(heading.to_string());
        }
        note
    }

    fn has_heading(&self, name: &str) -> bool {
        self.headings.iter().any(|h| h.contains(name))
    }
}

/// The line ranges and titles `docs/sources.md` indexes for one seed.
#[derive(Default)]
struct SeedIndex {
    ranges: Vec<(u32, u32)>,
    titles: Vec<String>,
}

/// Reads the `### Seed NNN index` tables of `docs/sources.md`: rows `| a-b | original | English |`.
fn parse_sources(text: &str) -> BTreeMap<String, SeedIndex> {
    let mut seeds: BTreeMap<String, SeedIndex> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("### Seed ") {
            current = rest.get(..3).map(str::to_string);
            continue;
        }
        if line.starts_with('#') {
            current = None;
            continue;
        }
        let Some(seed) = &current else { continue };
        let cells: Vec<&str> = line.split(" | ").collect();
        let Some(range) = cells.first().and_then(|c| c.strip_prefix("| ")) else {
            continue;
        };
        let Some((a, b)) = range.split_once('-') else {
            continue;
        };
        let (Ok(a), Ok(b)) = (a.trim().parse(), b.trim().parse()) else {
            continue;
        };
        let index = seeds.entry(seed.clone()).or_default();
        index.ranges.push((a, b));
        for title in &cells[1..] {
            index
                .titles
                .push(title.trim_end_matches('|').trim().to_string());
        }
    }
    seeds
}

/// What a line number or a section number refers to at a point of a source file.
#[derive(Clone, Debug, PartialEq)]
enum Source {
    Note(&'static str),
    Seed(String),
    Model,
}

/// The citations found, by form, and the ones that do not resolve.
#[derive(Default)]
struct Report {
    found: BTreeMap<String, usize>,
    resolved: BTreeMap<String, usize>,
    errors: Vec<String>,
}

impl Report {
    fn record(&mut self, form: String, ok: Result<(), String>, at: &str) {
        *self.found.entry(form.clone()).or_default() += 1;
        match ok {
            Ok(()) => *self.resolved.entry(form).or_default() += 1,
            Err(why) => self.errors.push(format!("{at}: {why}")),
        }
    }
}

/// The whole of the checked state: the notes, the seed index, the model's length.
struct Docs {
    notes: BTreeMap<&'static str, Note>,
    seeds: BTreeMap<String, SeedIndex>,
    model_lines: u32,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the repository root")
        .to_path_buf()
}

fn load_docs(root: &Path) -> Docs {
    let mut notes = BTreeMap::new();
    for name in NOTES {
        let path = root.join("docs").join(format!("{name}.md"));
        let text = fs::read_to_string(&path).unwrap_or_default();
        notes.insert(name, Note::parse(&text));
    }
    let sources = fs::read_to_string(root.join("docs/sources.md")).unwrap_or_default();
    let model = fs::read_to_string(root.join(MODEL)).unwrap_or_default();
    Docs {
        notes,
        seeds: parse_sources(&sources),
        model_lines: model.lines().count() as u32,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// Reads a number (digits, and dots for a section number) at the start of `s`.
fn leading_number(s: &str, dots: bool) -> &str {
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || (dots && c == '.')))
        .map_or(s.len(), |(i, _)| i);
    s[..end].trim_end_matches('.')
}

/// Line numbers after "line"/"lines": `N`, `~N`, `N–M`, `N, M and K`.
fn line_numbers(s: &str) -> (Vec<u32>, usize) {
    let mut numbers = Vec::new();
    let mut rest = s;
    let mut consumed = 0;
    loop {
        let r = rest.trim_start_matches('~');
        let n = leading_number(r, false);
        if n.is_empty() {
            break;
        }
        numbers.push(n.parse().unwrap_or(u32::MAX));
        let skipped = rest.len() - r.len() + n.len();
        consumed += skipped;
        rest = &rest[skipped..];
        let next = ["–", "-", ", ", " and "].iter().find(|sep| {
            rest.strip_prefix(**sep).is_some_and(|t| {
                t.trim_start_matches('~')
                    .starts_with(|c: char| c.is_ascii_digit())
            })
        });
        match next {
            Some(sep) => {
                consumed += sep.len();
                rest = &rest[sep.len()..];
            }
            None => break,
        }
    }
    (numbers, consumed)
}

/// A quoted name right after a citation: `, "Name"`, `'s "Name"` or ` "Name"`.
fn quoted_name(s: &str) -> Option<String> {
    let s = s.strip_prefix("'s").unwrap_or(s);
    let s = s.strip_prefix(',').unwrap_or(s);
    let s = s.strip_prefix(' ')?;
    let s = s.strip_prefix('"')?;
    let end = s.find('"')?;
    let name = s[..end].trim_start_matches("...").trim_start_matches('…');
    Some(name.to_string())
}

/// A CamelCase operation or shape name right after a notes file's name (`, Name` or ` Name`).
fn camel_name(s: &str) -> Option<String> {
    let s = s.strip_prefix(',').unwrap_or(s);
    let s = s.strip_prefix(' ')?;
    let word: String = s
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let humps = word.chars().filter(char::is_ascii_uppercase).count();
    let lower = word.chars().any(|c| c.is_ascii_lowercase());
    let next = s[word.len()..].chars().next();
    (humps >= 2 && lower && next != Some('/') && word.starts_with(|c: char| c.is_ascii_uppercase()))
        .then_some(word)
}

/// Reads one source file left to right, remembering which document was named last.
struct Scanner<'a> {
    docs: &'a Docs,
    report: &'a mut Report,
    /// What a bare section number refers to: the numbered notes named last, or an RFC.
    last_note: Option<&'static str>,
    /// What a bare line number refers to.
    last_source: Option<Source>,
    /// `file:line` of the line being read.
    at: String,
}

impl Scanner<'_> {
    /// Looks at `line[pos..]`; returns how many bytes the citation (or character) there takes.
    fn step(&mut self, line: &str, pos: usize) -> usize {
        let rest = &line[pos..];
        let before = &line[..pos];
        let prev = before.chars().next_back();
        let word_start = prev.is_none_or(|c| !is_word_char(c));
        let taken = if word_start {
            self.note(before, rest)
                .or_else(|| self.other_document(rest))
                .or_else(|| self.seed(before, rest))
                .or_else(|| self.lines(rest))
        } else {
            None
        };
        taken
            .or_else(|| self.section(rest))
            .unwrap_or_else(|| rest.chars().next().map_or(1, char::len_utf8))
    }

    /// A notes file named, with the section named right after it if any.
    fn note(&mut self, before: &str, rest: &str) -> Option<usize> {
        let name = *NOTES
            .iter()
            .find(|n| rest.starts_with(**n) && !rest[n.len()..].starts_with(is_word_char))?;
        let is_file = rest[name.len()..].starts_with(".md");
        let after = &rest[name.len() + if is_file { 3 } else { 0 }..];
        // `glossary` and `architecture` are words too: only the file counts, or the glossary.
        if !is_file && name != "glossary" {
            return Some(name.len());
        }
        // Only the notes numbered by section are what a bare § refers to.
        if matches!(name, "sdk-wire-protocol" | "service-api") {
            self.last_note = Some(name);
        }
        self.last_source = Some(Source::Note(name));
        if before.ends_with("shared/reference/") || before.ends_with("shared/docs/") {
            let why = format!(
                "`{name}.md` is cited by a path outside the repository; cite docs/{name}.md"
            );
            self.report
                .record("path outside the repository".into(), Err(why), &self.at);
        }
        let note = &self.docs.notes[name];
        if let Some(heading) = quoted_name(after).or_else(|| camel_name(after)) {
            let ok = if note.has_heading(&heading) {
                Ok(())
            } else {
                Err(format!("docs/{name}.md has no section \"{heading}\""))
            };
            self.report
                .record(format!("{name}.md named section"), ok, &self.at);
        } else if is_file {
            let ok = if note.headings.is_empty() {
                Err(format!("docs/{name}.md is missing"))
            } else {
                Ok(())
            };
            self.report.record(format!("{name}.md named"), ok, &self.at);
        }
        Some(rest.len() - after.len())
    }

    /// Documents whose numbers are not ours to check (an RFC, the GameLift developer guide),
    /// and the service model, whose lines are.
    fn other_document(&mut self, rest: &str) -> Option<usize> {
        if rest.starts_with("RFC ") {
            self.last_note = Some("RFC");
            return Some(4);
        }
        if let Some(n) = ["GameLift developer guide"]
            .iter()
            .find(|d| rest.starts_with(**d))
        {
            self.last_source = None;
            return Some(n.len());
        }
        if rest.starts_with("gamelift-service-2.json") {
            self.last_source = Some(Source::Model);
            return Some("gamelift-service-2.json".len());
        }
        None
    }

    /// A seed named ("guide", "seed 00N", "00N"), with the section named right after it if any.
    fn seed(&mut self, before: &str, rest: &str) -> Option<usize> {
        let prev = before.chars().next_back();
        let prev2 = before.chars().rev().nth(1);
        let (seed, len) = if rest
            .get(..5)
            .is_some_and(|w| w.eq_ignore_ascii_case("guide"))
        {
            ("002".to_string(), 5)
        } else if rest.len() >= 3
            && rest.starts_with("00")
            && rest.as_bytes()[2].is_ascii_digit()
            && !rest[3..].starts_with(|c: char| c.is_ascii_digit())
            && !matches!(prev, Some('.') | Some(','))
            // "390 000" is a number, not a seed.
            && !(prev == Some(' ') && prev2.is_some_and(|c| c.is_ascii_digit()))
        {
            (rest[..3].to_string(), 3)
        } else {
            return None;
        };
        if before.ends_with("shared/seeds/") {
            let why = format!(
                "seed {seed} is cited by a path outside the repository; cite \"seed {seed}\" (docs/sources.md)"
            );
            self.report
                .record("path outside the repository".into(), Err(why), &self.at);
        }
        let after = &rest[len..];
        let after = after
            .strip_prefix('_')
            .map(|a| a.trim_start_matches(|c: char| c.is_ascii_hexdigit()))
            .map(|a| a.strip_prefix(".txt").unwrap_or(a))
            .map(|a| a.strip_prefix('`').unwrap_or(a))
            .unwrap_or(after);
        let after = after.strip_prefix(" (seed 002)").unwrap_or(after);
        let after = after.strip_prefix(" 002").unwrap_or(after);
        if let Some(name) = quoted_name(after) {
            let ok = match self.docs.seeds.get(&seed) {
                Some(index) if index.titles.iter().any(|t| t.contains(&name)) => Ok(()),
                Some(_) => Err(format!(
                    "seed {seed} has no section \"{name}\" in docs/sources.md"
                )),
                None => Err(format!("docs/sources.md has no index of seed {seed}")),
            };
            self.report
                .record(format!("seed {seed} named section"), ok, &self.at);
        }
        self.last_source = Some(Source::Seed(seed));
        Some(len)
    }

    /// A section number, of the numbered notes named last.
    fn section(&mut self, rest: &str) -> Option<usize> {
        let number = leading_number(rest.strip_prefix('§')?, true);
        if number.is_empty() {
            return None;
        }
        let (form, ok) = match self.last_note {
            Some("RFC") => ("RFC §".to_string(), Ok(())),
            Some(name) => {
                let note = &self.docs.notes[name];
                let ok = if note.headings.is_empty() {
                    Err(format!("docs/{name}.md is missing"))
                } else if note.numbers.contains(number) {
                    Ok(())
                } else {
                    Err(format!("docs/{name}.md has no section §{number}"))
                };
                (format!("{name}.md §"), ok)
            }
            None => (
                "§ with no document".to_string(),
                Err(format!("§{number} names no notes file before it")),
            ),
        };
        self.report.record(form, ok, &self.at);
        let after = &rest['§'.len_utf8() + number.len()..];
        Some('§'.len_utf8() + number.len() + self.items(number, after))
    }

    /// Steps or rows after a section number: "§1.3 step 9", "§9, rows 14 and 17".
    fn items(&mut self, number: &str, after: &str) -> usize {
        let Some(name) = self.last_note.filter(|n| *n != "RFC") else {
            return 0;
        };
        let a = after.strip_prefix(',').unwrap_or(after);
        let Some(a) = a.strip_prefix(' ') else {
            return 0;
        };
        let Some(word) = ["steps ", "step ", "rows ", "row "]
            .into_iter()
            .find(|w| a.starts_with(*w))
        else {
            return 0;
        };
        let (numbers, consumed) = line_numbers(&a[word.len()..]);
        let items = self.docs.notes[name].items.get(number);
        for k in &numbers {
            let ok = if items.is_some_and(|i| i.contains(k)) {
                Ok(())
            } else {
                Err(format!(
                    "docs/{name}.md §{number} has no numbered {}{k}",
                    word
                ))
            };
            self.report
                .record(format!("{name}.md § step or row"), ok, &self.at);
        }
        after.len() - a.len() + word.len() + consumed
    }

    /// "line N" / "lines N–M, K": lines of the seed or the model named last.
    fn lines(&mut self, rest: &str) -> Option<usize> {
        if !rest
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("line"))
        {
            return None;
        }
        let skip = if rest[4..].starts_with("s ") {
            6
        } else if rest[4..].starts_with(' ') {
            5
        } else {
            return None;
        };
        let (numbers, consumed) = line_numbers(&rest[skip..]);
        // "line N" with nothing named before it is not a citation.
        let source = self.last_source.clone()?;
        if numbers.is_empty() {
            return None;
        }
        for n in numbers {
            let (form, ok) = self.resolve_line(&source, n);
            self.report.record(form, ok, &self.at);
        }
        Some(skip + consumed)
    }

    fn resolve_line(&self, source: &Source, n: u32) -> (String, Result<(), String>) {
        match source {
            Source::Seed(seed) => {
                let ok = match self.docs.seeds.get(seed) {
                    Some(ix) if ix.ranges.iter().any(|&(a, b)| a <= n && n <= b) => Ok(()),
                    Some(_) => Err(format!(
                        "seed {seed} line {n} is outside the ranges docs/sources.md indexes"
                    )),
                    None => Err(format!("docs/sources.md has no index of seed {seed}")),
                };
                (format!("seed {seed} line"), ok)
            }
            Source::Model => {
                let ok = if n >= 1 && n <= self.docs.model_lines {
                    Ok(())
                } else {
                    Err(format!("{MODEL} has no line {n}"))
                };
                ("service model line".to_string(), ok)
            }
            Source::Note(name) => (
                format!("{name}.md line"),
                Err(format!(
                    "line {n} of {name}.md: the notes are cited by section (§), not by line"
                )),
            ),
        }
    }
}

fn check_file(docs: &Docs, rel: &str, text: &str, report: &mut Report) {
    let mut scanner = Scanner {
        docs,
        report,
        // The SDK crate cites the wire protocol notes by bare section number throughout (its
        // crate doc names them once, in `sdk/src/lib.rs`).
        last_note: rel.starts_with("sdk/").then_some("sdk-wire-protocol"),
        last_source: None,
        at: String::new(),
    };
    for (i, line) in text.lines().enumerate() {
        scanner.at = format!("{rel}:{}", i + 1);
        let mut pos = 0;
        while pos < line.len() {
            pos += scanner.step(line, pos);
        }
    }
}

#[test]
fn docs_citations_resolve() {
    let root = repo_root();
    let docs = load_docs(&root);
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    let mut report = Report::default();
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        if rel == SELF {
            continue;
        }
        let Ok(text) = fs::read_to_string(path) else {
            continue;
        };
        check_file(&docs, &rel, &text, &mut report);
    }
    let mut summary = String::new();
    for (form, found) in &report.found {
        let resolved = report.resolved.get(form).copied().unwrap_or(0);
        let _ = writeln!(summary, "  {form}: {found} found, {resolved} resolved");
    }
    println!("citations in {} files:\n{summary}", files.len());
    assert!(
        report.errors.is_empty(),
        "{} citations do not resolve in docs/:\n{}\n\nby form:\n{summary}",
        report.errors.len(),
        report.errors.join("\n")
    );
    let total: usize = report.found.values().sum();
    assert!(
        total > 300,
        "only {total} citations found: the scan has lost its way"
    );
}
