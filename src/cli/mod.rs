//! The command line: clap definitions, as close to the flags as possible; `settings.rs`
//! turns them into the settings the commands use (one `settings()` per command, the only
//! seam where clap types are read). Nothing outside `cli` sees a clap type.

mod settings;

use crate::cmd;
use crate::exit;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "leakhound",
    version,
    about = "Find hardcoded secrets in files, staged changes and git history",
    after_help = "Exit status: 0 nothing found, 1 findings, 2 error."
)]
pub struct Cli {
    /// Run as if started in DIR (like `git -C`).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories, stdin (`-`), or the staged index (`--staged`).
    Scan(ScanArgs),
    /// Scan every blob in the git history, attributing findings to the commit that added them.
    History(HistoryArgs),
    /// List the rules in force: id, description, keywords, origin file.
    Rules(RulesArgs),
    /// Install the pre-commit hook in this repository (honours core.hooksPath).
    InstallHook(InstallHookArgs),
    /// Remove leakhound's pre-commit hook, restoring any hook it replaced.
    UninstallHook,
    /// Audit the history of every repository in a list (paths or clone URLs), incrementally,
    /// as one JSONL stream; `--shard I/N` takes a stable share of the list.
    Audit(AuditArgs),
    /// Combine JSON/JSONL reports (audit shards, several days) into one, in any format.
    Merge(MergeArgs),
    /// Replace hardcoded secrets with environment lookups (a diff; `--write` applies it).
    Fix(FixArgs),
    /// Record current findings so that only new ones fail (`--update`, `--list`).
    Baseline(BaselineArgs),
    /// Validate configuration files.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) generated from these definitions.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a config (default: ./.leakhound.toml) and print what it defines.
    Check {
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The tree to scan (or, with --history, the repository; with --list, the tree whose
    /// baseline to print, or the baseline file itself).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// The baseline file (default: .leakhound-baseline.json at the scanned root).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Record the findings of the git history instead of the working tree.
    #[arg(long)]
    pub history: bool,
    /// Keep existing entries and their annotations, add new findings, drop gone ones.
    #[arg(long)]
    pub update: bool,
    /// Print the entries of the baseline.
    #[arg(long, conflicts_with_all = ["update", "history"])]
    pub list: bool,
    /// Config file (rules, allowlists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not honour .gitignore, git excludes or .leakhoundignore.
    #[arg(long)]
    pub no_ignore: bool,
    #[arg(long, value_name = "BYTES", default_value_t = crate::gate::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// Replace an existing foreign hook, keeping it as a backup that still runs first.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The repository (default: the one around the current directory).
    #[arg(value_name = "REPO")]
    pub repo: Option<PathBuf>,
    /// Only the commits of A..B (for example origin/main..HEAD in a pull request).
    #[arg(long, value_name = "A..B")]
    pub range: Option<String>,
    /// Only commits at or after DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, UTC).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only the history of this branch (or any revision).
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Also scan stashed changes.
    #[arg(long)]
    pub include_stash: bool,
    /// List every commit and path where a finding's blob appears.
    #[arg(long)]
    pub all_occurrences: bool,
    /// Where the policy files (.leakhound.toml, the baseline, .leakhoundignore) are read
    /// from: a revision, or `worktree` for the checkout. Default: with --range, the merge
    /// base of the range, so the commits under review cannot change their own check;
    /// otherwise the checkout.
    #[arg(long, value_name = "REF|worktree")]
    pub policy_from: Option<String>,
    /// Keep a record in DIR of what was read (ids, paths, counts: never a secret), so the
    /// next run reads only new commits and blobs and reports what a full run would.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Jsonl,
    Sarif,
    Junit,
    Csv,
    /// One self-contained page for an audit (best with --report FILE).
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ConfidenceArg {
    Low,
    Medium,
    High,
}

/// Flags shared by every scanning command.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Config file (rules, allowlists); default: `.leakhound.toml` at the scanned root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Write the report to FILE (atomically); the terminal gets the human summary.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print secrets whole instead of masked.
    #[arg(long)]
    pub show_secrets: bool,
    /// Exit code used when there are findings.
    #[arg(long, value_name = "N", default_value_t = exit::FINDINGS)]
    pub exit_code: i32,
    /// Report only findings at or above this confidence.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,
    /// Turn off the built-in default allowlist (lock files, vendored code, images).
    #[arg(long)]
    pub no_default_allowlist: bool,
    /// Skip test code and fixtures (tests/, fixtures/, *_test.go, test_*.py, *.spec.ts, ...).
    /// By default they are scanned: secrets leak from tests too.
    #[arg(long)]
    pub exclude_tests: bool,
    /// Per-file problems (unreadable, vanished) make the run fail with exit 2.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Name skipped files and say why.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Report only findings not recorded in this baseline file (default:
    /// .leakhound-baseline.json at the scanned root, when present).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Ignore any baseline.
    #[arg(long, conflicts_with = "baseline")]
    pub no_baseline: bool,
    /// No colors (also: the NO_COLOR environment variable, or output not a terminal).
    #[arg(long)]
    pub no_color: bool,
    /// Do not print GitHub Actions annotations (printed when GITHUB_ACTIONS=true).
    #[arg(long)]
    pub no_annotations: bool,
    /// Ask each finding's provider whether the credential is still live: sends it, with
    /// one read-only request, to the provider's official host built into leakhound (never
    /// with --staged).
    #[arg(long)]
    pub verify: bool,
    /// With --verify: seconds each request may take.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 5.0,
        requires = "verify",
        value_parser = seconds
    )]
    pub verify_timeout: f64,
    /// With --verify: report only the findings verified live.
    #[arg(long, requires = "verify")]
    pub only_verified: bool,
    /// Text output: do not show where to rotate each credential and how to fix the code.
    #[arg(long)]
    pub no_remediation: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// A file listing repositories, one a line: local paths or clone URLs (`#` comments).
    #[arg(value_name = "LIST")]
    pub list: PathBuf,
    /// Only this share of the list: I of N (1-based), by a stable hash of each location.
    #[arg(long, value_name = "I/N", value_parser = crate::cmd::audit::parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Where each repository's incremental record is kept.
    #[arg(long, value_name = "DIR", default_value = ".leakhound-audit/cache")]
    pub cache: PathBuf,
    /// Where repositories named by URL are cloned, and fetched on later runs.
    #[arg(long, value_name = "DIR", default_value = ".leakhound-audit/repos")]
    pub work_dir: PathBuf,
    /// Write the JSONL stream to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Config file (rules, allowlists) applied to every repository.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only findings at or above this confidence.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// How much work a scan does and how far it reads (every scanning command).
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Skip files larger than this many bytes (archive members too: inflating stops there).
    #[arg(long, value_name = "BYTES", default_value_t = crate::gate::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Open archives (zip, jar, tar, gz, bz2, xz, zst, images) this deep inside each other;
    /// 0 turns archives off.
    #[arg(long, value_name = "N", default_value_t = crate::gate::archive::DEFAULT_DEPTH)]
    pub max_archive_depth: u8,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON or JSONL reports of leakhound (`audit`, `scan -f jsonl`, `history -f json`).
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Write the merged report to FILE (atomically).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Report only findings at or above this confidence.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,
    /// No colors (also: the NO_COLOR environment variable, or output not a terminal).
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Files and directories whose findings to fix (default: `.`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Apply the change: values move to .env at the repository root (mode 0600, added to
    /// .gitignore), each file is rewritten atomically. Without it, print the diff only.
    #[arg(long)]
    pub write: bool,
    /// Config file (rules, allowlists); default: `.leakhound.toml` at the scanned root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Fix also the findings recorded in this baseline (default: baselined ones are left).
    #[arg(long)]
    pub no_baseline: bool,
    /// No colors (also: the NO_COLOR environment variable, or output not a terminal).
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan; `-` reads stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Name reported for stdin.
    #[arg(long, value_name = "NAME", default_value = "-")]
    pub stdin_name: String,
    /// Do not honour .gitignore, git excludes or .leakhoundignore.
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symbolic links (loops are detected).
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// Scan what is staged for the next commit (the index), only the lines it adds.
    #[arg(long)]
    pub staged: bool,
    /// With --staged: report every line of the changed files.
    #[arg(long, requires = "staged")]
    pub all_lines: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `leakhound rules` prints a table or JSON; the scan report formats do not apply.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RulesFormatArg {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Config file to load instead of only the defaults.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: RulesFormatArg,
    /// Check every rule against its own examples and negative examples.
    #[arg(long)]
    pub check: bool,
}

/// A positive, finite number of seconds, at most ten minutes.
fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 600.0 => Ok(v),
        _ => Err(format!(
            "{s:?} is not a number of seconds between 0 and 600"
        )),
    }
}

/// Parses the command line, runs the command, and returns the process exit code.
pub fn main() -> i32 {
    // Ctrl-C: stop at once with the conventional status. Nothing is left half-written:
    // reports and baselines are only ever renamed into place, whole.
    let _ = ctrlc::set_handler(|| {
        eprintln!("leakhound: interrupted");
        std::process::exit(exit::INTERRUPTED);
    });
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::ERROR
            } else {
                exit::CLEAN
            };
            let _ = e.print();
            return code;
        }
    };
    if let Some(dir) = &cli.dir {
        if let Err(e) = std::env::set_current_dir(dir) {
            let msg = format!("-C {}: {e}", dir.display());
            eprintln!("error: {}", crate::report::escape::lines(&msg));
            return exit::ERROR;
        }
    }
    let result = match cli.command {
        Command::Scan(a) => {
            if a.staged && !a.paths.is_empty() {
                eprintln!(
                    "error: --staged scans the index; it takes no paths (use -C DIR for \
                     another repository)"
                );
                return exit::ERROR;
            }
            if a.staged && a.common.verify {
                eprintln!(
                    "error: --verify is not available with --staged: the pre-commit path never \
                     sends a secret anywhere (verify with `leakhound scan --verify` or \
                     `leakhound history --verify`)"
                );
                return exit::ERROR;
            }
            cmd::scan::run(&a.settings())
        }
        Command::History(a) => a.settings().and_then(|s| cmd::history::run(&s)),
        Command::InstallHook(a) => cmd::hook::install(std::path::Path::new("."), a.force),
        Command::UninstallHook => cmd::hook::uninstall(std::path::Path::new(".")),
        Command::Baseline(a) => cmd::baseline::run(&a.settings()),
        Command::Config(ConfigCommand::Check { file }) => cmd::config::check(file),
        Command::Completions { shell } => {
            let mut c = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut c, "leakhound", &mut std::io::stdout());
            Ok(exit::CLEAN)
        }
        Command::Man => {
            let c = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(c)
                .render(&mut std::io::stdout())
                .map(|_| exit::CLEAN)
                .map_err(Into::into)
        }
        Command::Rules(a) => cmd::rules::run(&a.settings()),
        Command::Fix(a) => cmd::fix::run(&a.settings()),
        Command::Audit(a) => cmd::audit::run(&a.settings()),
        Command::Merge(a) => cmd::merge::run(&a.settings()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", crate::report::escape::lines(&format!("{e:#}")));
            exit::ERROR
        }
    }
}
