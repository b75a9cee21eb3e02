//! A rule's verifier, validated: the one request that asks a provider whether a credential
//! is live, and how to read the answer.
//!
//! Requests are templates with two placeholders, `{secret}` (the match) and `{pair}` (the
//! other half of a two-part credential). A placeholder may only land in the path, the query,
//! headers and the body: the host is the template's own, unless the template names the host
//! suffixes a placeholder may produce (`{pair}-dsn.algolia.net` under `.algolia.net`, a
//! webhook URL under `hooks.slack.com`). Rendering checks the host again, so a crafted match
//! can never move a request to another host.

use crate::rules::syntax::VerifySyntax;

/// Which code sends the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The HTTP request of the template.
    Http,
    /// AWS STS GetCallerIdentity, signed with SigV4 (the key id is the match, the secret
    /// key its pair).
    AwsSts,
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub kind: Kind,
    pub post: bool,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    basic: Option<String>,
    pub valid: Vec<u16>,
    pub invalid: Vec<u16>,
    valid_if: Option<Condition>,
    identity: Option<String>,
    /// The rules whose match may be the other half (`{pair}`), nearest first.
    pub pair: Vec<String>,
    pub pair_lines: usize,
    hosts: Vec<String>,
}

/// What a valid status must also come with.
#[derive(Debug, Clone)]
enum Condition {
    /// `path=value`: a field of the JSON answer.
    Json(String, serde_json::Value),
    /// `~text`: the answer's body holds this text (answers that are not JSON).
    Body(String),
}

/// A request ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub post: bool,
    /// `https://host[:port]/path?query`.
    pub url: String,
    /// The host the request is for (what `LEAKHOUND_VERIFY_OVERRIDE` maps).
    pub host: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// What a provider's answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Live, with the identity the provider reported, if any.
    Valid(Option<String>),
    Invalid,
    /// Neither: an unexpected status.
    Unexpected(u16),
}

const PLACEHOLDERS: [&str; 2] = ["{secret}", "{pair}"];

fn has_placeholder(s: &str) -> bool {
    PLACEHOLDERS.iter().any(|p| s.contains(p))
}

/// The text between `https://` and the path: `None` if the URL does not start so.
fn authority(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    Some(&rest[..end])
}

fn valid_host(host: &str) -> bool {
    let name = host.split(':').next().unwrap_or("");
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && host[name.len()..]
            .strip_prefix(':')
            .is_none_or(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
}

impl Spec {
    pub fn parse(v: &VerifySyntax) -> Result<Spec, String> {
        let kind = match v.kind.as_deref() {
            None | Some("http") => Kind::Http,
            Some("aws-sts") => Kind::AwsSts,
            Some(k) => return Err(format!("unknown kind {k:?} (http or aws-sts)")),
        };
        let post = match v.method.as_deref() {
            None => kind == Kind::AwsSts,
            Some(m) if m.eq_ignore_ascii_case("get") => false,
            Some(m) if m.eq_ignore_ascii_case("post") => true,
            Some(m) => return Err(format!("method {m:?}: only GET and POST are sent")),
        };
        let url = match (kind, v.url.as_deref()) {
            (Kind::AwsSts, None) => "https://sts.amazonaws.com/".to_string(),
            (Kind::AwsSts, Some(_)) => return Err("kind aws-sts takes no url".into()),
            (_, Some(u)) => u.to_string(),
            (Kind::Http, None) => return Err("a verifier needs a url".into()),
        };
        match authority(&url) {
            Some(a) if !has_placeholder(a) && !valid_host(a) => {
                return Err(format!("url {url:?}: not a host name"))
            }
            Some(a) if has_placeholder(a) && v.hosts.is_empty() => {
                return Err(format!(
                    "url {url:?}: a placeholder in the host needs `hosts`, the host suffixes it \
                     may become"
                ))
            }
            None if !v.hosts.is_empty() && url.starts_with('{') => {}
            None => return Err(format!("url {url:?}: only https:// URLs are verified")),
            Some(_) => {}
        }
        let mut headers = Vec::new();
        for h in v.headers.iter() {
            let (name, value) = h
                .split_once(':')
                .ok_or_else(|| format!("header {h:?} is not `Name: value`"))?;
            let name = name.trim();
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(format!("header name {name:?}"));
            }
            headers.push((name.to_string(), value.trim().to_string()));
        }
        let all_text = [Some(url.as_str()), v.body.as_deref(), v.basic.as_deref()]
            .into_iter()
            .flatten()
            .chain(headers.iter().map(|(_, v)| v.as_str()));
        let mut uses_pair = false;
        for t in all_text {
            let mut rest = t;
            while let Some(i) = rest.find('{') {
                let close = rest[i..].find('}').map(|j| i + j + 1);
                let Some(close) = close else { break };
                match &rest[i..close] {
                    "{secret}" => {}
                    "{pair}" => uses_pair = true,
                    other if other.len() < 32 && !other.contains([' ', '"', ':']) => {
                        return Err(format!(
                            "unknown placeholder {other} ({{secret}} or {{pair}})"
                        ))
                    }
                    _ => {}
                }
                rest = &rest[close..];
            }
        }
        let pair: Vec<String> = v
            .pair
            .as_deref()
            .map(|p| p.split(',').map(|r| r.trim().to_string()).collect())
            .unwrap_or_default();
        if (uses_pair || kind == Kind::AwsSts) && pair.is_empty() {
            return Err("{pair} (or kind aws-sts) needs `pair`, the rule of the other half".into());
        }
        if kind == Kind::Http && v.valid.is_empty() {
            return Err("`valid` must list the statuses that mean live".into());
        }
        if let Some(c) = v
            .valid
            .iter()
            .chain(v.invalid.iter())
            .find(|c| !(100..600).contains(*c))
        {
            return Err(format!("status {c} is not an HTTP status"));
        }
        // A host suffix names a registrable domain (two labels at least), never a port.
        if let Some(h) = v.hosts.iter().find(|h| {
            let name = h.trim_start_matches('.');
            h.contains(':') || !valid_host(name) || !name.contains('.') || name.ends_with('.')
        }) {
            return Err(format!("hosts entry {h:?} is not a host name or .suffix"));
        }
        let valid_if = match v.valid_if.as_deref() {
            None => None,
            Some(c) if c.starts_with('~') => Some(Condition::Body(c[1..].to_string())),
            Some(c) => {
                let (path, value) = c
                    .split_once('=')
                    .ok_or_else(|| format!("valid_if {c:?} is not `path=value`"))?;
                let value = serde_json::from_str(value.trim())
                    .unwrap_or_else(|_| serde_json::Value::String(value.trim().to_string()));
                Some(Condition::Json(path.trim().to_string(), value))
            }
        };
        Ok(Spec {
            kind,
            post,
            url,
            headers,
            body: v.body.as_deref().map(str::to_string),
            basic: v.basic.as_deref().map(str::to_string),
            valid: v.valid.to_vec(),
            invalid: v.invalid.to_vec(),
            valid_if,
            identity: v.identity.as_deref().map(str::to_string),
            pair,
            pair_lines: v.pair_lines.unwrap_or(10),
            hosts: v.hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
        })
    }

    /// The host the verifier reaches: the template's, or its first allowed suffix.
    pub fn template_host(&self) -> Option<String> {
        match authority(&self.url) {
            Some(a) if !has_placeholder(a) => Some(a.to_ascii_lowercase()),
            _ => self.hosts.first().map(|h| match h.starts_with('.') {
                true => format!("*{h}"),
                false => h.clone(),
            }),
        }
    }

    /// Is `host` one the verifier may reach: the template's own, or under one of `hosts`?
    fn host_allowed(&self, host: &str) -> bool {
        let name = host.split(':').next().unwrap_or("").to_ascii_lowercase();
        match authority(&self.url) {
            Some(a) if !has_placeholder(a) => a.eq_ignore_ascii_case(host),
            // A host that came from a credential takes no port.
            _ if host.contains(':') => false,
            _ => self.hosts.iter().any(|h| match h.strip_prefix('.') {
                Some(suffix) => name.len() > suffix.len() + 1 && name.ends_with(h.as_str()),
                None => name == *h,
            }),
        }
    }

    /// The request for `secret` (and `pair`), or why none may be sent.
    pub fn render(&self, secret: &str, pair: Option<&str>) -> Result<Request, String> {
        let pair = pair.unwrap_or("");
        if [secret, pair]
            .iter()
            .any(|v| v.bytes().any(|b| b.is_ascii_control()))
        {
            return Err("the credential holds control characters".into());
        }
        let templated_host = authority(&self.url).is_none_or(has_placeholder);
        let url = if templated_host {
            // The host comes from the credential: substituted whole, then checked.
            self.url.replace("{secret}", secret).replace("{pair}", pair)
        } else {
            let a = authority(&self.url).unwrap_or("");
            let head = 8 + a.len();
            let tail = self.url[head..]
                .replace("{secret}", &encode(secret))
                .replace("{pair}", &encode(pair));
            format!("{}{tail}", &self.url[..head])
        };
        let host = match authority(&url) {
            Some(h) if valid_host(h) && self.host_allowed(h) => h.to_ascii_lowercase(),
            _ => return Err("the request would leave the provider's hosts".into()),
        };
        if url
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err("the URL would hold spaces".into());
        }
        let fill = |t: &str| t.replace("{secret}", secret).replace("{pair}", pair);
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), fill(v)))
            .collect();
        if let Some(b) = &self.basic {
            use base64::Engine as _;
            let token = base64::engine::general_purpose::STANDARD.encode(fill(b));
            headers.push(("Authorization".into(), format!("Basic {token}")));
        }
        Ok(Request {
            post: self.post,
            url,
            host,
            headers,
            body: self.body.as_deref().map(|b| fill(b).into_bytes()),
        })
    }

    /// Reads an answer: its status, and its body where the verifier looks into it.
    pub fn judge(&self, status: u16, body: &[u8]) -> Answer {
        if self.invalid.contains(&status) {
            return Answer::Invalid;
        }
        if !self.valid.contains(&status) {
            return Answer::Unexpected(status);
        }
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let holds = match &self.valid_if {
            None => true,
            Some(Condition::Json(path, want)) => {
                json.as_ref().and_then(|j| lookup(j, path)) == Some(want)
            }
            Some(Condition::Body(text)) => String::from_utf8_lossy(body).contains(text.as_str()),
        };
        if !holds {
            return Answer::Invalid;
        }
        let identity = self
            .identity
            .as_deref()
            .and_then(|p| json.as_ref().and_then(|j| lookup(j, p)))
            .and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
        Answer::Valid(identity)
    }
}

/// A dotted path (`user.login`, `data.0.id`) into a JSON value.
fn lookup<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    path.split('.').try_fold(v, |v, key| match v {
        serde_json::Value::Array(a) => a.get(key.parse::<usize>().ok()?),
        _ => v.get(key),
    })
}

/// Percent-encodes everything but RFC 3986's unreserved characters and `:`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn spec(url: &'static str, hosts: &'static [Cow<'static, str>]) -> Spec {
        Spec::parse(&VerifySyntax {
            url: Some(url.into()),
            headers: Cow::Borrowed(&[Cow::Borrowed("Authorization: token {secret}")]),
            valid: Cow::Borrowed(&[200]),
            invalid: Cow::Borrowed(&[401]),
            identity: Some("login".into()),
            pair: Some("other".into()),
            hosts: Cow::Borrowed(hosts),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn placeholders_stay_out_of_the_host() {
        let s = spec("https://api.example.com/u/{secret}?q={pair}", &[]);
        let r = s.render("a/b@evil.com", Some("x y")).unwrap();
        assert_eq!(r.url, "https://api.example.com/u/a%2Fb%40evil.com?q=x%20y");
        assert_eq!(r.host, "api.example.com");
        assert_eq!(r.headers[0].1, "token a/b@evil.com");
    }

    #[test]
    fn a_templated_host_must_stay_under_its_suffixes() {
        const ALGOLIA: &[Cow<'static, str>] = &[Cow::Borrowed(".algolia.net")];
        let s = spec("https://{pair}-dsn.algolia.net/1/keys/{secret}", ALGOLIA);
        assert_eq!(
            s.render("k", Some("APPID")).unwrap().host,
            "appid-dsn.algolia.net"
        );
        for pair in ["evil.com/x", "evil.com#", "a.evil.com?", "x@evil.com"] {
            assert!(s.render("k", Some(pair)).is_err(), "{pair}");
        }
        const SLACK: &[Cow<'static, str>] = &[Cow::Borrowed("hooks.slack.com")];
        let s = spec("{secret}", SLACK);
        assert!(s
            .render("https://hooks.slack.com/services/T/B/x", None)
            .is_ok());
        for bad in [
            "https://hooks.slack.com.evil.com/x",
            "http://hooks.slack.com/x",
            "https://evil.com/?hooks.slack.com",
            "https://hooks.slack.com:8443/x",
            "https://hooks.slack.com./x",
        ] {
            assert!(s.render(bad, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn answers_are_read_by_status_json_and_identity() {
        let mut s = spec("https://api.example.com/user", &[]);
        assert_eq!(
            s.judge(200, br#"{"login":"octo"}"#),
            Answer::Valid(Some("octo".into()))
        );
        assert_eq!(s.judge(401, b""), Answer::Invalid);
        assert_eq!(s.judge(500, b""), Answer::Unexpected(500));
        s.valid_if = Some(Condition::Json("ok".into(), serde_json::Value::Bool(true)));
        assert_eq!(s.judge(200, br#"{"ok":false}"#), Answer::Invalid);
        assert_eq!(
            s.judge(200, br#"{"ok":true,"login":7}"#),
            Answer::Valid(Some("7".into()))
        );
    }

    #[test]
    fn bad_verifiers_are_refused() {
        let parse = |url: &'static str| {
            Spec::parse(&VerifySyntax {
                url: Some(url.into()),
                valid: Cow::Borrowed(&[200]),
                ..Default::default()
            })
        };
        assert!(parse("https://api.example.com/{secret}").is_ok());
        assert!(parse("http://api.example.com/").is_err());
        assert!(parse("https://{secret}/").is_err());
        assert!(parse("https://api.example.com/{token}").is_err());
        assert!(parse("https://api.example.com/{pair}").is_err());
    }
}
