//! `--format html`: one self-contained page for an audit (no script, no network, no external
//! asset): a summary, when secrets entered the history (a bar chart by month, inline SVG),
//! who introduced them, every finding grouped by rule with that rule's remediation, and the
//! files with the most findings. Secrets are masked as in every other format; every string
//! from the scanned material is HTML-escaped.

use super::context::Context;
use crate::finding::{Finding, VerifyStatus};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;\
color:#1d1f21;padding:0 1rem}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2.2rem;\
border-bottom:1px solid #ddd}h3{font-size:1rem;margin-bottom:.3rem}table{border-collapse:\
collapse;width:100%;margin:.5rem 0 1rem}th,td{text-align:left;padding:.25rem .5rem;\
border-bottom:1px solid #eee;vertical-align:top}th{background:#f6f6f6}code{font:12px \
ui-monospace,monospace;background:#f3f3f3;padding:0 .2rem}.cards{display:flex;gap:1rem;\
flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:8rem}\
.card b{display:block;font-size:1.5rem}.live{color:#fff;background:#c0392b;padding:0 .3rem;\
border-radius:3px}.head{color:#c0392b}.sev-critical,.sev-high{color:#c0392b}.fix{color:#555}\
.rem{background:#fafafa;border-left:3px solid #2c7be5;padding:.4rem .8rem}svg text{font:10px \
system-ui,sans-serif}";

/// `&`, `<`, `>`, `"` and `'` escaped: safe in text and in quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Remediation text escaped, its `https://` addresses made links.
fn linkify(s: &str) -> String {
    let mut out = String::new();
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match word.find("https://") {
            Some(at) => {
                let url = word[at..].trim_end_matches(['.', ',', ')', ';', ':']);
                let tail = &word[at + url.len()..];
                let _ = write!(
                    out,
                    "{}<a href=\"{}\" rel=\"noreferrer\">{}</a>{}",
                    esc(&word[..at]),
                    esc(url),
                    esc(url),
                    esc(tail)
                );
            }
            None => out.push_str(&esc(word)),
        }
    }
    out
}

pub fn write(findings: &[Finding], ctx: &Context, out: &mut dyn Write) -> io::Result<()> {
    let mut h = String::with_capacity(4096 + findings.len() * 512);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>leakhound audit report</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n<h1>leakhound audit report</h1>\n");
    summary(&mut h, findings);
    for n in &ctx.notes {
        let _ = writeln!(h, "<p class=\"note\"><b>Note:</b> {}</p>", esc(&n.message));
    }
    if findings.is_empty() {
        h.push_str("<p id=\"clean\">No secrets found.</p>\n");
    } else {
        timeline(&mut h, findings);
        authors(&mut h, findings);
        by_rule(&mut h, findings, ctx.show_secrets);
        by_path(&mut h, findings);
    }
    let _ = writeln!(
        h,
        "<footer><p>leakhound {}: secrets are masked{}.</p></footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        if ctx.show_secrets {
            " except where --show-secrets was given: this file holds them whole"
        } else {
            ""
        }
    );
    out.write_all(h.as_bytes())
}

fn summary(h: &mut String, findings: &[Finding]) {
    let rules: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f.rule_id.as_str()).collect();
    let files: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f.path.as_str()).collect();
    let mut cards = vec![
        ("findings", findings.len()),
        ("rules", rules.len()),
        ("files", files.len()),
    ];
    if findings.iter().any(|f| f.verification.is_some()) {
        let live = findings
            .iter()
            .filter(|f| {
                f.verification
                    .as_ref()
                    .is_some_and(|v| v.status == VerifyStatus::Valid)
            })
            .count();
        cards.push(("verified live", live));
    }
    if findings.iter().any(|f| f.present_at_head.is_some()) {
        let at_head = findings
            .iter()
            .filter(|f| f.present_at_head == Some(true))
            .count();
        cards.push(("still at HEAD", at_head));
        cards.push(("only in history", findings.len() - at_head));
    }
    h.push_str("<section id=\"summary\" class=\"cards\">\n");
    for (label, n) in cards {
        let _ = writeln!(h, "<div class=\"card\"><b>{n}</b>{label}</div>");
    }
    h.push_str("</section>\n");
}

/// `YYYY-MM` of a finding's commit date, if it has one.
fn month(f: &Finding) -> Option<&str> {
    let d = &f.commit.as_ref()?.date;
    (d.len() >= 7 && d.as_bytes()[4] == b'-').then(|| &d[..7])
}

/// The months from `first` to `last` (`YYYY-MM`), inclusive.
fn months_between(first: &str, last: &str) -> Vec<String> {
    let parse =
        |m: &str| -> Option<(i32, i32)> { Some((m[..4].parse().ok()?, m[5..7].parse().ok()?)) };
    let (Some((mut y, mut m)), Some(end)) = (parse(first), parse(last)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while (y, m) <= end && out.len() < 1200 {
        out.push(format!("{y:04}-{m:02}"));
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    out
}

/// When secrets entered the history: one bar per month, months without any included.
fn timeline(h: &mut String, findings: &[Finding]) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for m in findings.iter().filter_map(month) {
        *counts.entry(m).or_default() += 1;
    }
    let (Some(first), Some(last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return;
    };
    let months = months_between(first, last);
    let max = counts.values().copied().max().unwrap_or(1).max(1);
    let (bar, gap, height) = (14usize, 4usize, 120usize);
    let width = months.len() * (bar + gap) + 40;
    h.push_str("<section id=\"timeline\">\n<h2>When secrets entered the history</h2>\n");
    h.push_str("<div style=\"overflow-x:auto\">\n");
    let _ = writeln!(
        h,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{}\" \
         role=\"img\" aria-label=\"findings by month of the commit that introduced them\">",
        height + 40
    );
    for (i, m) in months.iter().enumerate() {
        let n = counts.get(m.as_str()).copied().unwrap_or(0);
        let bh = n * height / max;
        let x = 30 + i * (bar + gap);
        let _ = writeln!(
            h,
            "<rect class=\"bar\" data-month=\"{m}\" data-count=\"{n}\" x=\"{x}\" y=\"{}\" \
             width=\"{bar}\" height=\"{bh}\" fill=\"#c0392b\"><title>{m}: {n}</title></rect>",
            10 + height - bh
        );
        // A label every year (and on the first bar).
        if i == 0 || m.ends_with("-01") {
            let _ = writeln!(h, "<text x=\"{x}\" y=\"{}\">{m}</text>", height + 25);
        }
    }
    let _ = writeln!(
        h,
        "<text x=\"0\" y=\"18\">{max}</text>\n</svg>\n</div>\n</section>"
    );
}

/// Who introduced the secrets (history findings), most first.
fn authors(h: &mut String, findings: &[Finding]) {
    let mut by: BTreeMap<(&str, &str), (usize, &str, &str)> = BTreeMap::new();
    for c in findings.iter().filter_map(|f| f.commit.as_ref()) {
        let e = by.entry((c.author.as_str(), c.email.as_str())).or_insert((
            0,
            c.date.as_str(),
            c.date.as_str(),
        ));
        e.0 += 1;
        e.1 = e.1.min(c.date.as_str());
        e.2 = e.2.max(c.date.as_str());
    }
    if by.is_empty() {
        return;
    }
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    h.push_str("<section id=\"authors\">\n<h2>Who introduced them</h2>\n<table>\n");
    h.push_str("<tr><th>Author</th><th>Findings</th><th>First</th><th>Last</th></tr>\n");
    for ((name, email), (n, first, last)) in rows {
        let _ = writeln!(
            h,
            "<tr><td>{} &lt;{}&gt;</td><td>{n}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            esc(email),
            esc(first.get(..10).unwrap_or(first)),
            esc(last.get(..10).unwrap_or(last))
        );
    }
    h.push_str("</table>\n</section>\n");
}

/// Every finding, under its rule and the rule's remediation; rules with the most findings
/// first.
fn by_rule(h: &mut String, findings: &[Finding], show: bool) {
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        groups.entry(f.rule_id.as_str()).or_default().push(f);
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    let history = findings.iter().any(|f| f.commit.is_some());
    h.push_str("<section id=\"rules\">\n<h2>Findings by rule</h2>\n");
    for (id, fs) in groups {
        let first = fs[0];
        let _ = writeln!(
            h,
            "<article class=\"rule\" id=\"rule-{}\">\n<h3>{} <code>{}</code> \
             <span class=\"sev-{}\">{}</span>: {}</h3>",
            esc(id),
            esc(&first.description),
            esc(id),
            first.severity.as_str(),
            first.severity.as_str(),
            fs.len()
        );
        let r = &first.remediation;
        let _ = writeln!(
            h,
            "<div class=\"rem\"><p><b>Rotate:</b> {}</p><p><b>What a leak allows:</b> {}</p></div>",
            linkify(&r.rotate),
            esc(&r.impact)
        );
        h.push_str("<table>\n<tr><th>Where</th><th>Secret</th><th>Confidence</th>");
        if history {
            h.push_str("<th>Introduced</th><th>At HEAD</th>");
        }
        h.push_str("<th>Fix</th></tr>\n");
        for f in fs {
            finding_row(h, f, show, history);
        }
        h.push_str("</table>\n</article>\n");
    }
    h.push_str("</section>\n");
}

fn finding_row(h: &mut String, f: &Finding, show: bool, history: bool) {
    let mut secret = format!("<code>{}</code>", esc(&f.display_secret(show)));
    if let Some(v) = &f.verification {
        let _ = match v.status {
            VerifyStatus::Valid => write!(
                secret,
                " <span class=\"live\">LIVE</span> {}",
                esc(&v.detail)
            ),
            VerifyStatus::Invalid => write!(secret, " invalid: {}", esc(&v.detail)),
            VerifyStatus::Unknown => write!(secret, " not verified: {}", esc(&v.detail)),
        };
    }
    let repo = f
        .repository
        .as_deref()
        .map(|r| format!("{} ", esc(r)))
        .unwrap_or_default();
    let _ = write!(
        h,
        "<tr class=\"finding\" data-fingerprint=\"{}\"><td>{repo}<code>{}:{}</code></td><td>{}</td><td>{}</td>",
        esc(&f.fingerprint),
        esc(&f.path),
        f.line,
        secret,
        f.confidence.as_str()
    );
    if history {
        match &f.commit {
            Some(c) => {
                let _ = write!(
                    h,
                    "<td><code>{}</code> {} by {}</td>",
                    esc(c.commit.get(..12).unwrap_or(&c.commit)),
                    esc(c.date.get(..10).unwrap_or(&c.date)),
                    esc(&c.author)
                );
            }
            None => h.push_str("<td></td>"),
        }
        h.push_str(match f.present_at_head {
            Some(true) => "<td class=\"head\">still in the tree</td>",
            Some(false) => "<td>only in history</td>",
            None => "<td></td>",
        });
    }
    let fix = crate::fix::advice(f)
        .map(|a| esc(&a.text))
        .unwrap_or_default();
    let _ = writeln!(h, "<td class=\"fix\">{fix}</td></tr>");
}

/// The files with findings, most first.
fn by_path(h: &mut String, findings: &[Finding]) {
    let mut by: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for f in findings {
        *by.entry(f.path.as_str())
            .or_default()
            .entry(f.rule_id.as_str())
            .or_default() += 1;
    }
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| {
        let n = |r: &BTreeMap<&str, usize>| r.values().sum::<usize>();
        n(&b.1).cmp(&n(&a.1)).then(a.0.cmp(b.0))
    });
    h.push_str("<section id=\"paths\">\n<h2>Findings by file</h2>\n<table>\n");
    h.push_str("<tr><th>File</th><th>Findings</th><th>Rules</th></tr>\n");
    for (path, rules) in rows {
        let links: Vec<String> = rules
            .keys()
            .map(|r| format!("<a href=\"#rule-{}\">{}</a>", esc(r), esc(r)))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(path),
            rules.values().sum::<usize>(),
            links.join(", ")
        );
    }
    h.push_str("</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_links() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(
            linkify("Roll it at https://example.com/keys. Then <deploy>."),
            "Roll it at <a href=\"https://example.com/keys\" rel=\"noreferrer\">\
             https://example.com/keys</a>. Then &lt;deploy&gt;."
        );
    }

    #[test]
    fn months_fill_gaps() {
        assert_eq!(
            months_between("2023-11", "2024-02"),
            ["2023-11", "2023-12", "2024-01", "2024-02"]
        );
    }
}
