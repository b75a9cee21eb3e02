//! `leakhound fix PATH...`: scans, then for each finding that is a whole literal assigned to
//! a name in a known language, replaces the literal with an environment lookup. By default
//! it prints the unified diff (secrets masked) and changes nothing; `--write` moves the
//! values to `.env` at the repository root (mode 0600, git-ignored), then rewrites each file
//! atomically. Whatever it cannot rewrite safely is listed with the reason and left alone.

use super::scan::{self, PathsScan, ScanSettings, ScanTarget};
use super::{BaselineSettings, OutputSettings, RuleSettings};
use crate::exit;
use crate::finding::Finding;
use crate::fix::{self, dotenv, plan};
use crate::report::escape::{self, visible};
use crate::source::git::Repo;
use anyhow::{Context as _, Result};
use colored::Colorize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct FixSettings {
    pub paths: Vec<PathBuf>,
    pub write: bool,
    pub rules: RuleSettings,
    pub baseline: BaselineSettings,
    pub max_file_size: u64,
    pub color: bool,
}

/// A finding and the file on disk it is in.
struct Located {
    disk: PathBuf,
    finding: Finding,
    /// Recorded in the baseline: left alone, but still masked in every diff.
    baselined: bool,
}

pub fn run(s: &FixSettings) -> Result<i32> {
    colored::control::set_override(s.color);
    let paths = if s.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        s.paths.clone()
    };
    let mut found: Vec<Located> = Vec::new();
    let mut places = std::collections::HashSet::new();
    for root in &paths {
        for l in scan_one(s, root)? {
            // A file named twice (`fix . app.py`) is planned once.
            if places.insert((
                l.disk.clone(),
                l.finding.fingerprint.clone(),
                l.finding.line,
            )) {
                found.push(l);
            }
        }
    }
    if !found.iter().any(|l| !l.baselined) {
        escape::note("leakhound: nothing to fix");
        return Ok(exit::CLEAN);
    }
    // By repository (the `.env` each value goes to), then by file.
    let mut repos: BTreeMap<PathBuf, BTreeMap<PathBuf, Vec<Located>>> = BTreeMap::new();
    let mut manual: Vec<(String, plan::Manual)> = Vec::new();
    // The repository of each file, looked up once per file, not once per finding.
    let mut roots: std::collections::HashMap<PathBuf, Option<PathBuf>> = Default::default();
    for l in found {
        if l.baselined && !l.disk.is_file() {
            continue;
        }
        let root = roots
            .entry(l.disk.clone())
            .or_insert_with(|| repo_root(&l.disk))
            .clone();
        match root {
            Some(root) if l.disk.is_file() => repos
                .entry(root)
                .or_default()
                .entry(l.disk.clone())
                .or_default()
                .push(l),
            Some(_) => manual.push(manual_for(
                &l.finding,
                "not a plain file (an archive member?)",
            )),
            None => manual.push(manual_for(
                &l.finding,
                "not in a git repository: there is no .env to move it to",
            )),
        }
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut moved_total = 0;
    for (root, files) in &repos {
        let (n, left) = fix_repo(s, root, files, &mut out)?;
        moved_total += n;
        manual.extend(left);
    }
    out.flush().ok();
    for (path, m) in &manual {
        eprintln!(
            "leakhound: {}:{} {}: left for you: {}",
            visible(path),
            m.line,
            visible(&m.rule_id),
            m.reason
        );
    }
    let verb = if s.write { "moved" } else { "would move" };
    escape::note(&format!(
        "leakhound: {verb} {moved_total} secret{} to .env; {} left to fix by hand",
        if moved_total == 1 { "" } else { "s" },
        manual.len()
    ));
    if moved_total > 0 {
        escape::note(
            "leakhound: the old values are still in git history and wherever they were \
             copied: rotate them (see each rule's remediation in `leakhound scan`)",
        );
    }
    if !s.write && moved_total > 0 {
        escape::note("leakhound: run again with --write to apply");
    }
    let done = s.write && manual.is_empty();
    Ok(if done { exit::CLEAN } else { exit::FINDINGS })
}

/// The findings of `ls` to fix (not baselined).
fn to_fix(ls: &[Located]) -> Vec<&Finding> {
    ls.iter()
        .filter(|l| !l.baselined)
        .map(|l| &l.finding)
        .collect()
}

fn manual_for(f: &Finding, why: &str) -> (String, plan::Manual) {
    (
        f.path.clone(),
        plan::Manual {
            line: f.line,
            rule_id: f.rule_id.clone(),
            reason: why.to_string(),
        },
    )
}

/// Scans `root` (a file or directory) and places each finding on disk.
fn scan_one(s: &FixSettings, root: &Path) -> Result<Vec<Located>> {
    let settings = ScanSettings {
        target: ScanTarget::Paths(PathsScan {
            paths: vec![root.to_path_buf()],
            stdin_name: "-".into(),
            ..Default::default()
        }),
        max_file_size: s.max_file_size,
        max_archive_depth: 0,
        rules: s.rules.clone(),
        baseline: s.baseline.clone(),
        output: OutputSettings::quiet(),
    };
    let scanned = scan::collect(&settings)?;
    let mut all = scanned.findings;
    all.retain(|f| !f.is_pair_only());
    let mut kept = all.clone();
    if let Some(b) = s.baseline.resolve(scanned.policy.as_ref())? {
        b.suppress(&mut kept);
    }
    let kept: std::collections::HashSet<String> = kept.into_iter().map(|f| f.fingerprint).collect();
    crate::finding::sort(&mut all);
    let dir = root.is_dir();
    Ok(all
        .into_iter()
        .map(|f| {
            let disk = if dir {
                root.join(&f.path)
            } else {
                root.to_path_buf()
            };
            Located {
                // One name per file, however it was reached (`.`, `./app.py`, a symlink).
                disk: disk.canonicalize().unwrap_or(disk),
                baselined: !kept.contains(&f.fingerprint),
                finding: f,
            }
        })
        .collect())
}

/// The work tree of the repository holding `file`.
fn repo_root(file: &Path) -> Option<PathBuf> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
    let repo = Repo::discover(dir.unwrap_or(Path::new("."))).ok()?;
    repo.workdir().and_then(|w| w.canonicalize().ok())
}

/// Plans (and with `--write` applies) the files of one repository; returns how many values
/// moved and what is left for a person.
fn fix_repo(
    s: &FixSettings,
    root: &Path,
    files: &BTreeMap<PathBuf, Vec<Located>>,
    out: &mut dyn Write,
) -> Result<(usize, Vec<(String, plan::Manual)>)> {
    let repo = Repo::discover(root)?;
    // A symlinked .env is written where it points, not replaced by a file.
    let env_path = root.join(".env");
    let env_path = env_path.canonicalize().unwrap_or(env_path);
    let env_text = dotenv::read_or_empty(&env_path)
        .with_context(|| format!("cannot read {}", env_path.display()))?;
    let mut names = plan::Names::new(dotenv::parse(&env_text));
    let mut manual = Vec::new();
    if let Some(why) = dotenv::refuse_tracked(&repo) {
        for ls in files.values() {
            manual.extend(to_fix(ls).into_iter().map(|f| manual_for(f, &why)));
        }
        return Ok((0, manual));
    }
    let mut plans = Vec::new();
    for (disk, ls) in files {
        let fs = to_fix(ls);
        let Some(path) = fs.first().map(|f| f.path.clone()) else {
            continue;
        };
        let path = &path;
        let text = match std::fs::read_to_string(disk) {
            Ok(t) => t,
            Err(e) => {
                let why = format!("cannot read it as text: {e}");
                manual.extend(fs.iter().map(|f| manual_for(f, &why)));
                continue;
            }
        };
        // Compose reads `.env` from the directory of the file it runs.
        let compose = fix::lang::Lang::of(path, &fs[0].tags) == Some(fix::lang::Lang::Compose);
        if compose && disk.parent() != Some(root) {
            let why = "Compose reads .env from the file's own directory, not the repository \
                       root: use ${NAME} and an env file there";
            manual.extend(fs.iter().map(|f| manual_for(f, why)));
            continue;
        }
        let others: Vec<&str> = ls.iter().map(|l| l.finding.secret.as_str()).collect();
        let p = plan::plan(path, &text, &fs, &others, &mut names);
        manual.extend(p.manual.iter().map(|m| (path.clone(), m.clone())));
        if !p.moved.is_empty() {
            plans.push((disk, p));
        }
    }
    let moved: Vec<(String, String)> = plans
        .iter()
        .flat_map(|(_, p)| p.moved.iter().map(|m| (m.var.clone(), m.value.clone())))
        .collect();
    for (_, p) in &plans {
        for line in p.diff.lines() {
            let line = visible(line);
            let shown = if line.starts_with('+') && !line.starts_with("+++") {
                line.green().to_string()
            } else if line.starts_with('-') && !line.starts_with("---") {
                line.red().to_string()
            } else {
                line.into_owned()
            };
            // A closed pipe (`| head`) ends the diff, not the fix.
            if let Err(e) = writeln!(out, "{shown}") {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    break;
                }
                return Err(e.into());
            }
        }
    }
    if s.write && !moved.is_empty() {
        // .env ignored first, so the values never sit in a file git would take; then the
        // values, so a rewritten file never refers to a variable that is nowhere.
        let gi = root.join(".gitignore");
        let gi = gi.canonicalize().unwrap_or(gi);
        let update = dotenv::gitignore_update(&repo, root)
            .with_context(|| format!("cannot read {}", gi.display()))?;
        if let Some(text) = update {
            let mode = (!gi.exists()).then_some(0o644);
            fix::write_atomic(&gi, text.as_bytes(), mode)
                .with_context(|| format!("cannot write {}", gi.display()))?;
            escape::note("leakhound: added .env to .gitignore");
        }
        let env = dotenv::append(&env_text, &moved);
        fix::write_atomic(&env_path, env.as_bytes(), Some(0o600))
            .with_context(|| format!("cannot write {}", env_path.display()))?;
        for (disk, p) in &plans {
            fix::write_atomic(disk, p.new_text.as_bytes(), None)
                .with_context(|| format!("cannot write {}", disk.display()))?;
            let vars: Vec<&str> = p.moved.iter().map(|m| m.var.as_str()).collect();
            escape::note(&format!(
                "leakhound: fixed {} ({})",
                visible(&disk.display().to_string()),
                vars.join(", ")
            ));
        }
    }
    Ok((moved.len(), manual))
}
