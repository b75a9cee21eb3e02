//! Integration tests: the real binary on real files and real git repositories in temp dirs.

mod accuracy;
mod architecture;
mod archives;
mod baseline;
mod ci_recipes;
mod config;
mod fix;
mod git;
mod hardening;
mod html_report;
mod injection;
mod org_scale;
mod policy;
mod report;
mod scan;
mod sources;
mod staged_states;
mod util;
mod verify;
