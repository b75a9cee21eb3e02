//! The matcher's tests: rules, windows, decoding, overlaps and allow markers end to end.
use super::*;

fn detect(src: &str) -> Vec<Finding> {
    let d = Detector::new(RuleSet::builtin(), DetectorOptions::default());
    let mut out = Vec::new();
    let t = Target {
        path: "app.py",
        data: src.as_bytes(),
        commit: None,
    };
    d.detect(&t, &mut Scratch::default(), &mut out);
    out
}

#[test]
fn overlapping_keywords_are_all_seen() {
    // "monkeyJ": `key` and `eyj` overlap; both rules must be tried.
    let f = detect("token = monkeyJWT eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n"); // leakhound:allow (test data)
    assert!(f.iter().any(|f| f.rule_id == "jwt"), "{f:?}");
}

#[test]
fn regions_merge() {
    let mut r = vec![(5, 9), (0, 3), (2, 4), (9, 12), (20, 21)];
    merge_regions(&mut r);
    assert_eq!(r, vec![(0, 4), (5, 12), (20, 21)]);
}

#[test]
fn window_is_the_line() {
    let data = b"aaa\nbb key cc\ndd";
    let (s, e) = window(data, 7, 10);
    assert_eq!(&data[s..e], b"bb key cc");
}

#[test]
fn tokens_inside_a_key_block_are_key_material() {
    // A structurally valid RSA key whose second base64 line happens to read as a
    // Square token: the line is key material, not a second secret.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let token = "EAAAZT8YVcWAMG1glnzN2C5r5kPqZT8YVcWAMG1glnzN2C5r5kPqWx7Rt0aBcQ2p"; // leakhound:allow (test data)
    let mut modulus: Vec<u8> = (0..160u32).map(|i| (i * 53 + 7) as u8).collect();
    modulus[0] = 0;
    // DER offset 48 (the second 64-character line) is modulus offset 38.
    modulus[38..86].copy_from_slice(&b64.decode(token).unwrap());
    let mut content = vec![0x02, 0x01, 0x00, 0x02, 0x81, modulus.len() as u8];
    content.extend(&modulus);
    let mut der = vec![0x30, 0x82, 0, content.len() as u8];
    der.extend(content);
    let text = b64.encode(&der);
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    assert_eq!(lines[1], token);
    let pem = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        lines.join("\n")
    );
    let f = detect(&pem);
    let rules: Vec<&str> = f.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(rules, vec!["private-key"], "{f:?}");
}

#[test]
fn canonical_stripe_case() {
    let f = detect("API_KEY = \"sk_test_very_secret_key_12345\"\n"); // leakhound:allow (test data)
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].secret, "sk_test_very_secret_key_12345"); // leakhound:allow (test data)
    assert_eq!((f[0].line, f[0].column), (1, 12));
}

#[test]
fn env_lookups_are_not_findings() {
    assert!(detect("API_KEY = os.environ.get(\"EXTERNAL_API_KEY\")\nAPI_KEY = \"\"\n").is_empty());
}

#[test]
fn inline_allow_same_line_and_comment_above() {
    assert!(detect("k = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\" # leakhound:allow\n").is_empty());
    assert!(detect("# leakhound:allow\nk = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n").is_empty());
    assert_eq!(
        detect("x = 1 # leakhound:allow\nk = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n").len(),
        1
    );
}

#[test]
fn columns_count_characters() {
    let f = detect("é = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n"); // leakhound:allow (test data)
    assert_eq!(f[0].column, 6);
}

#[test]
fn inline_allow_applies_to_decoded_findings() {
    // base64 of a Stripe-shaped key, as a Kubernetes Secret would hold it.
    let encoded = "c2tfbGl2ZV80ZUMzOUhxTHlqV0RhcmpqVDF6ZHA3ZGM="; // leakhound:allow (test data)
    let found = detect(&format!("data:\n  api_key: {encoded}\n"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].encoding.as_deref(), Some("base64"));
    for text in [
        format!("data:\n  api_key: {encoded} # leakhound:allow\n"),
        format!("data:\n  # leakhound:allow\n  api_key: {encoded}\n"),
    ] {
        assert!(detect(&text).is_empty(), "{text}");
    }
}

#[test]
fn line_allowlists_see_the_original_line_of_decoded_findings() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.toml");
    std::fs::write(
        &p,
        "[[allowlists]]\nregex_target = \"line\"\nregexes = ['kind: Fixture']\n",
    )
    .unwrap();
    let set = RuleSet::load(&crate::rules::LoadOptions {
        config: Some(p),
        ..Default::default()
    })
    .unwrap();
    let d = Detector::new(set, DetectorOptions::default());
    let encoded = "c2tfbGl2ZV80ZUMzOUhxTHlqV0RhcmpqVDF6ZHA3ZGM="; // leakhound:allow (test data)
    let mut out = Vec::new();
    let text = format!("{{kind: Fixture, key: {encoded}}}\n");
    let t = Target {
        path: "a.yaml",
        data: text.as_bytes(),
        commit: None,
    };
    d.detect(&t, &mut Scratch::default(), &mut out);
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn a_bearer_header_in_documentation_is_an_illustration() {
    // No provider format says what the credential is: in docs it is reported, a level lower.
    let d = Detector::new(RuleSet::builtin(), DetectorOptions::default());
    let line = [
        "Authorization: Bearer auth_",
        "asKXRhIMplM7El1JENjrotGouS1LYRdL\n",
    ]
    .concat();
    let conf = |path: &str| {
        let mut out = Vec::new();
        let t = Target {
            path,
            data: line.as_bytes(),
            commit: None,
        };
        d.detect(&t, &mut Scratch::default(), &mut out);
        out.iter()
            .find(|f| f.rule_id == "authorization-header")
            .map(|f| f.confidence)
    };
    assert_eq!(conf("deploy.sh"), Some(crate::rules::Confidence::Medium));
    assert_eq!(conf("docs/logging.md"), Some(crate::rules::Confidence::Low));
    assert_eq!(conf("config.example.sh"), None);
}
