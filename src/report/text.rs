//! `--format text`: findings grouped by file, for people. Colored only when asked (the caller
//! decides from the terminal and `NO_COLOR`). Every name and line from the scanned material
//! is printed through [`escape::visible`]: no raw control characters, no line that starts
//! a workflow command.

use super::context::Context;
use super::escape::{self, visible};
use crate::finding::Finding;
use colored::Colorize;
use std::io::{self, Write};

pub fn write(findings: &[Finding], ctx: &Context, out: &mut dyn Write) -> io::Result<()> {
    colored::control::set_override(ctx.color);
    let mut last_path: Option<&str> = None;
    // A rule's rotation advice is shown with its first finding only.
    let mut rotate_shown = std::collections::HashSet::new();
    for f in findings {
        if last_path != Some(f.path.as_str()) {
            if last_path.is_some() {
                writeln!(out)?;
            }
            last_path = Some(&f.path);
        }
        let mut loc = format!("{}:{}:{}", visible(&f.path), f.line, f.column);
        if let Some(r) = &f.repository {
            loc = format!("{} {loc}", visible(r));
        }
        let mut extra = format!("confidence {}", f.confidence);
        if let Some(enc) = &f.encoding {
            extra.push_str(&format!(", {enc}-decoded"));
        }
        if f.tags
            .iter()
            .any(|t| t == crate::gate::archive::DELETED_TAG)
        {
            extra.push_str(", deleted by a later image layer: still in the image");
        }
        let mut live = false;
        if let Some(v) = &f.verification {
            use crate::finding::VerifyStatus;
            match v.status {
                VerifyStatus::Valid => {
                    live = true;
                    extra.push_str(", verified live");
                    if v.detail != "live" {
                        extra.push_str(&format!(" as {}", v.detail));
                    }
                }
                VerifyStatus::Invalid => {
                    extra.push_str(&format!(", verified invalid: {}", v.detail))
                }
                VerifyStatus::Unknown => extra.push_str(&format!(", not verified: {}", v.detail)),
            }
        }
        match f.present_at_head {
            Some(true) => extra.push_str(", still in the tree"),
            Some(false) => extra.push_str(", only in history"),
            None => {}
        }
        if let Some(c) = &f.commit {
            extra.push_str(&format!(
                ", commit {} by {} <{}> {}",
                &c.commit[..c.commit.len().min(12)],
                c.author,
                c.email,
                c.date
            ));
        }
        if live {
            write!(out, "{}  ", "LIVE".white().on_red().bold())?;
        }
        writeln!(
            out,
            "{}  {}  {}  ({})",
            loc.magenta().bold(),
            visible(&f.rule_id).yellow(),
            visible(&f.display_secret(ctx.show_secrets)).red(),
            visible(&extra).dimmed()
        )?;
        let line = f.masked_line(ctx.show_secrets, 160);
        if !line.is_empty() {
            writeln!(out, "    {}", visible(&line))?;
        }
        if ctx.remediation {
            if let Some(a) = crate::fix::advice(f) {
                writeln!(out, "    {} {}", "fix:".cyan(), visible(&a.text))?;
            }
            if rotate_shown.insert(f.rule_id.as_str()) {
                let r = &f.remediation.rotate;
                if !r.is_empty() {
                    writeln!(out, "    {} {}", "rotate:".cyan(), visible(r))?;
                }
            }
        }
    }
    for n in &ctx.notes {
        if !findings.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "note: {}", escape::lines(&n.message))?;
    }
    Ok(())
}
