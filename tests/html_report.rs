//! `--format html`: the audit page of a real history, parsed as a browser parses it
//! (html5ever): its sections, one row per finding, the month chart, the authors, the
//! remediation of each rule, the at-HEAD state, escaping, masking, and no external asset.
//! Rendered by Chromium too, where the machine has it.

use crate::util::{fake, lh, Dir};
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn commit(d: &Dir, msg: &str, date: &str, author: &str) {
    d.git(&["add", "-A"]);
    d.git(&[
        "commit", "-q", "-m", msg, "--date", date, "--author", author,
    ]);
}

/// A history: a key added in March 2023 and removed in May; a token added in May 2023 by
/// someone whose name needs escaping, still at HEAD.
fn history() -> Dir {
    let d = Dir::new();
    d.git_init();
    d.write("app.py", format!("API_KEY = \"{}\"\n", fake::stripe()));
    commit(
        &d,
        "add key",
        "2023-03-15T10:00:00",
        "Ann <ann@example.invalid>",
    );
    d.write("app.py", "API_KEY = os.environ[\"API_KEY\"]\n");
    d.write("ci.sh", format!("export GH_TOKEN={}\n", fake::github()));
    commit(
        &d,
        "ci",
        "2023-05-02T10:00:00",
        "Bob & \"Co\" Smith <bob@example.invalid>",
    );
    d
}

#[test]
fn the_audit_page_has_every_part_and_nothing_external() {
    let d = history();
    let report = d.join("report.html");
    lh().current_dir(d.path())
        .args(["history", ".", "-f", "html", "--report"])
        .arg(&report)
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"));
    for secret in [fake::stripe(), fake::github()] {
        assert!(!text.contains(&secret), "the page shows a secret");
    }
    let page = Html::parse_document(&text);
    assert!(page.errors.is_empty(), "parse errors: {:?}", page.errors);

    // Self-contained: no script, no stylesheet link, no image or frame source.
    for s in ["script", "link", "img", "iframe", "[src]"] {
        assert_eq!(page.select(&sel(s)).count(), 0, "{s} in the page");
    }
    for id in ["summary", "timeline", "authors", "rules", "paths"] {
        assert_eq!(
            page.select(&sel(&format!("section#{id}"))).count(),
            1,
            "{id}"
        );
    }
    let rows: Vec<_> = page.select(&sel("tr.finding")).collect();
    assert_eq!(rows.len(), 2);

    // The chart: one bar per month from March to May 2023, the empty April included.
    let bars: Vec<(String, String)> = page
        .select(&sel("rect.bar"))
        .map(|b| {
            let v = b.value();
            (
                v.attr("data-month").unwrap().to_string(),
                v.attr("data-count").unwrap().to_string(),
            )
        })
        .collect();
    let want = [("2023-03", "1"), ("2023-04", "0"), ("2023-05", "1")];
    assert_eq!(
        bars,
        want.map(|(m, n)| (m.to_string(), n.to_string())).to_vec()
    );

    // Authors, escaped on the way in and read back whole.
    let authors: Vec<String> = page
        .select(&sel("#authors td:first-child"))
        .map(|td| td.text().collect())
        .collect();
    assert!(
        authors.contains(&"Ann <ann@example.invalid>".to_string()),
        "{authors:?}"
    );
    assert!(
        authors.contains(&"Bob & \"Co\" Smith <bob@example.invalid>".to_string()),
        "{authors:?}"
    );

    // Each rule with its remediation, the provider's page a link.
    let stripe = page
        .select(&sel("#rule-stripe-secret-key"))
        .next()
        .expect("the Stripe rule's section");
    let rem: String = stripe.select(&sel(".rem")).flat_map(|e| e.text()).collect();
    assert!(
        rem.contains("Rotate:") && rem.contains("What a leak allows:"),
        "{rem}"
    );
    assert!(stripe
        .select(&sel(".rem a[href^='https://dashboard.stripe.com']"))
        .next()
        .is_some());
    let row: String = stripe
        .select(&sel("tr.finding"))
        .flat_map(|e| e.text())
        .collect();
    assert!(row.contains("only in history"), "{row}");
    assert!(row.contains("Ann"), "{row}");
    let gh: String = page
        .select(&sel("article.rule:not(#rule-stripe-secret-key) tr.finding"))
        .flat_map(|e| e.text())
        .collect();
    assert!(gh.contains("still in the tree"), "{gh}");

    let cards: Vec<String> = page
        .select(&sel("#summary .card"))
        .map(|c| c.text().collect())
        .collect();
    assert!(cards.contains(&"2findings".to_string()), "{cards:?}");
    assert!(cards.contains(&"1still at HEAD".to_string()), "{cards:?}");

    render_if_possible(&report);
}

#[test]
fn a_clean_scan_is_a_page_that_says_so() {
    let d = Dir::new();
    d.write("a.txt", "nothing here\n");
    let out = lh()
        .args(["scan", "-f", "html"])
        .arg(d.path())
        .assert()
        .code(0);
    let page = Html::parse_document(&String::from_utf8_lossy(&out.get_output().stdout));
    assert!(page.select(&sel("p#clean")).next().is_some());
    assert_eq!(page.select(&sel("tr.finding")).count(), 0);
}

/// Renders the page with headless Chromium when the machine has it, and checks the
/// rendered DOM still holds every finding.
fn render_if_possible(report: &std::path::Path) {
    let Some(browser) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        eprintln!("SKIPPED rendering the HTML report: no Chromium on this machine");
        return;
    };
    let out = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", report.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = Html::parse_document(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(dom.select(&sel("tr.finding")).count(), 2);
}
