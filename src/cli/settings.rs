//! The one seam where the command line becomes settings: each command's clap-parsed
//! arguments turned into the `cmd` module's plain settings types (nothing past here sees
//! an argument type).

use super::*;
use crate::cmd::history::HistorySettings;
use crate::cmd::scan::{PathsScan, ScanTarget};
use crate::report::Format;
use crate::rules::Confidence;
use crate::source::git::dates;
use crate::source::git::history::{HistoryOptions, Selection};
use crate::source::git::staged::StagedOptions;
use std::io::IsTerminal;

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Junit => Format::Junit,
            FormatArg::Csv => Format::Csv,
            FormatArg::Html => Format::Html,
        }
    }
}

impl From<ConfidenceArg> for Confidence {
    fn from(c: ConfidenceArg) -> Confidence {
        match c {
            ConfidenceArg::Low => Confidence::Low,
            ConfidenceArg::Medium => Confidence::Medium,
            ConfidenceArg::High => Confidence::High,
        }
    }
}
/// Should stdout be colored?
fn color_for_stdout(no_color: bool) -> bool {
    !no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

impl CommonArgs {
    pub fn output(&self) -> cmd::OutputSettings {
        cmd::OutputSettings {
            format: self.format.into(),
            report: self.report.clone(),
            show_secrets: self.show_secrets,
            exit_code: self.exit_code,
            min_confidence: self.min_confidence.map(Into::into),
            strict: self.strict,
            verbose: self.verbose,
            color: color_for_stdout(self.no_color),
            remediation: !self.no_remediation,
            annotations: !self.no_annotations
                && std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            verify: self.verify.then(|| crate::verify::VerifySettings {
                timeout: std::time::Duration::from_secs_f64(self.verify_timeout),
                only_verified: self.only_verified,
            }),
        }
    }

    pub fn baseline(&self) -> cmd::BaselineSettings {
        cmd::BaselineSettings {
            file: self.baseline.clone(),
            disabled: self.no_baseline,
        }
    }

    pub fn rules(&self) -> cmd::RuleSettings {
        cmd::RuleSettings {
            config: self.config.clone(),
            no_default_allowlist: self.no_default_allowlist,
            with_examples: false,
            exclude_tests: self.exclude_tests,
        }
    }
}

impl ScanArgs {
    pub(super) fn settings(self) -> cmd::scan::ScanSettings {
        let target = if self.staged {
            ScanTarget::Staged(StagedOptions {
                all_lines: self.all_lines,
            })
        } else {
            ScanTarget::Paths(PathsScan {
                paths: self.paths,
                stdin_name: self.stdin_name,
                no_ignore: self.no_ignore,
                follow: self.follow,
                threads: self.common.limits.threads.unwrap_or(0),
                progress: std::io::stderr().is_terminal() && !self.common.verbose,
            })
        };
        cmd::scan::ScanSettings {
            target,
            max_file_size: self.common.limits.max_file_size,
            max_archive_depth: self.common.limits.max_archive_depth,
            rules: self.common.rules(),
            baseline: self.common.baseline(),
            output: self.common.output(),
        }
    }
}

impl HistoryArgs {
    pub(super) fn settings(self) -> anyhow::Result<HistorySettings> {
        let since = match &self.since {
            Some(d) => Some(dates::parse_date(d)?),
            None => None,
        };
        Ok(HistorySettings {
            repo: self.repo.unwrap_or_else(|| PathBuf::from(".")),
            history: HistoryOptions {
                selection: Selection {
                    range: self.range,
                    since,
                    branch: self.branch,
                    include_stash: self.include_stash,
                },
                all_occurrences: self.all_occurrences,
                progress: std::io::stderr().is_terminal(),
                threads: self.common.limits.threads.unwrap_or(0),
            },
            max_file_size: self.common.limits.max_file_size,
            max_archive_depth: self.common.limits.max_archive_depth,
            rules: self.common.rules(),
            baseline: self.common.baseline(),
            output: self.common.output(),
            policy_from: match self.policy_from.as_deref() {
                None => cmd::PolicyFrom::Auto,
                Some("worktree") => cmd::PolicyFrom::Worktree,
                Some(r) => cmd::PolicyFrom::Ref(r.to_string()),
            },
            cache: self.cache,
        })
    }
}

impl BaselineArgs {
    pub(super) fn settings(self) -> cmd::baseline::BaselineCmd {
        let rules = cmd::RuleSettings {
            config: self.config.clone(),
            ..Default::default()
        };
        // Recording a baseline reports nothing: findings go to the file.
        let output = cmd::OutputSettings::quiet();
        let path = self.path.clone().unwrap_or_else(|| PathBuf::from("."));
        let what = if self.history {
            cmd::baseline::What::History(HistorySettings {
                repo: path,
                history: HistoryOptions {
                    progress: std::io::stderr().is_terminal(),
                    ..Default::default()
                },
                max_file_size: self.max_file_size,
                max_archive_depth: crate::gate::archive::DEFAULT_DEPTH,
                rules,
                baseline: cmd::BaselineSettings::default(),
                output,
                policy_from: cmd::PolicyFrom::Worktree,
                cache: None,
            })
        } else {
            cmd::baseline::What::Tree(cmd::scan::ScanSettings {
                target: ScanTarget::Paths(PathsScan {
                    paths: vec![path],
                    stdin_name: "-".into(),
                    no_ignore: self.no_ignore,
                    ..Default::default()
                }),
                max_file_size: self.max_file_size,
                max_archive_depth: crate::gate::archive::DEFAULT_DEPTH,
                rules,
                baseline: cmd::BaselineSettings::default(),
                output,
            })
        };
        cmd::baseline::BaselineCmd {
            list: self.list,
            list_root: self.path,
            update: self.update,
            output: self.output,
            what,
        }
    }
}

impl AuditArgs {
    pub(super) fn settings(self) -> cmd::audit::AuditSettings {
        cmd::audit::AuditSettings {
            list: self.list,
            shard: self.shard,
            cache: self.cache,
            work_dir: self.work_dir,
            report: self.report,
            rules: cmd::RuleSettings {
                config: self.config,
                ..Default::default()
            },
            min_confidence: self.min_confidence.map(Into::into),
            max_file_size: self.limits.max_file_size,
            max_archive_depth: self.limits.max_archive_depth,
            threads: self.limits.threads.unwrap_or(0),
        }
    }
}

impl MergeArgs {
    pub(super) fn settings(self) -> cmd::merge::MergeSettings {
        let mut output = cmd::OutputSettings::quiet();
        output.format = self.format.into();
        output.report = self.report;
        output.min_confidence = self.min_confidence.map(Into::into);
        output.color = color_for_stdout(self.no_color);
        output.remediation = true;
        cmd::merge::MergeSettings {
            reports: self.reports,
            output,
        }
    }
}

impl FixArgs {
    pub(super) fn settings(self) -> cmd::fix::FixSettings {
        cmd::fix::FixSettings {
            paths: self.paths,
            write: self.write,
            rules: cmd::RuleSettings {
                config: self.config,
                ..Default::default()
            },
            baseline: cmd::BaselineSettings {
                file: None,
                disabled: self.no_baseline,
            },
            max_file_size: crate::gate::DEFAULT_MAX_FILE_SIZE,
            color: color_for_stdout(self.no_color),
        }
    }
}

impl RulesArgs {
    pub(super) fn settings(self) -> cmd::rules::RulesSettings {
        cmd::rules::RulesSettings {
            rules: cmd::RuleSettings {
                config: self.config,
                with_examples: self.check,
                ..Default::default()
            },
            format: match self.format {
                RulesFormatArg::Text => cmd::rules::RulesFormat::Text,
                RulesFormatArg::Json => cmd::rules::RulesFormat::Json,
            },
            check: self.check,
        }
    }
}
