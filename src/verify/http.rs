//! Sending a verifier's request: HTTPS with rustls (Mozilla's roots compiled in), the
//! standard proxy variables honoured, no redirect followed (a redirect could carry the
//! credential's headers to another host), a time bound per request, and a few retries when
//! the provider says "too many requests".
//!
//! `LEAKHOUND_VERIFY_OVERRIDE=host=http://127.0.0.1:PORT,...` sends a provider's requests to
//! a local stand-in instead, for tests; only loopback targets are accepted, so the variable
//! cannot be used to send secrets anywhere else.

use super::spec::Request;
use std::collections::HashMap;
use std::time::Duration;

pub const OVERRIDE_VAR: &str = "LEAKHOUND_VERIFY_OVERRIDE";

/// How many times a 429 is retried before the answer is "rate limited".
const RETRIES: u32 = 3;
/// The longest wait between retries, whatever `Retry-After` asks.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// The most of an answer that is read (who-am-I answers are small).
const MAX_BODY: u64 = 256 << 10;

/// What came back, or why nothing did (worded for a report: never the URL, which may hold
/// the credential).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Answered { status: u16, body: Vec<u8> },
    RateLimited,
    Failed(&'static str),
}

pub struct Client {
    agent: ureq::Agent,
    /// For overridden hosts: no proxy, so a loopback stand-in's traffic never leaves the
    /// machine through one.
    direct: ureq::Agent,
    overrides: HashMap<String, String>,
}

/// Parses `LEAKHOUND_VERIFY_OVERRIDE`: `host=http://127.0.0.1:PORT` pairs, comma-separated,
/// each target on the loopback interface.
pub fn parse_overrides(spec: &str) -> Result<HashMap<String, String>, String> {
    let mut map = HashMap::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (host, target) = part
            .split_once('=')
            .ok_or_else(|| format!("{OVERRIDE_VAR}: {part:?} is not host=URL"))?;
        let target = target.trim_end_matches('/');
        let authority = target
            .strip_prefix("http://")
            .or_else(|| target.strip_prefix("https://"))
            .filter(|a| !a.contains(['/', '?', '#', '@']))
            .ok_or_else(|| format!("{OVERRIDE_VAR}: {target:?} is not http(s)://HOST:PORT"))?;
        let name = match authority.rsplit_once(':') {
            Some((n, port)) if port.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => authority,
        };
        let name = name.trim_start_matches('[').trim_end_matches(']');
        let loopback = name == "localhost"
            || name
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if !loopback {
            return Err(format!(
                "{OVERRIDE_VAR}: {target:?} is not a loopback address; verification requests \
                 go only to providers' hosts or, for tests, to this machine"
            ));
        }
        map.insert(host.trim().to_ascii_lowercase(), target.to_string());
    }
    Ok(map)
}

impl Client {
    pub fn new(timeout: Duration) -> Result<Client, String> {
        let overrides = match std::env::var(OVERRIDE_VAR) {
            Ok(v) => parse_overrides(&v)?,
            Err(_) => HashMap::new(),
        };
        let agent = |proxy: Option<ureq::Proxy>| -> ureq::Agent {
            ureq::Agent::config_builder()
                .timeout_global(Some(timeout))
                .http_status_as_error(false)
                .max_redirects(0)
                .max_redirects_will_error(false)
                .proxy(proxy)
                .user_agent(concat!(
                    "leakhound/",
                    env!("CARGO_PKG_VERSION"),
                    " (--verify)"
                ))
                .build()
                .into()
        };
        Ok(Client {
            agent: agent(ureq::Proxy::try_from_env()),
            direct: agent(None),
            overrides,
        })
    }

    /// Sends `req`, retrying on 429.
    pub fn send(&self, req: &Request) -> Outcome {
        let (agent, url) = match self.overrides.get(&req.host) {
            Some(target) => (
                &self.direct,
                format!("{target}{}", &req.url[8 + req.host.len()..]),
            ),
            None => (&self.agent, req.url.clone()),
        };
        for attempt in 0..=RETRIES {
            match once(agent, req, &url) {
                Ok((429, wait)) => {
                    if attempt == RETRIES {
                        return Outcome::RateLimited;
                    }
                    let backoff = Duration::from_millis(500 << attempt);
                    std::thread::sleep(wait.unwrap_or(backoff).min(MAX_BACKOFF));
                }
                Ok(_) => unreachable!("once returns 429s only"),
                Err(outcome) => return outcome,
            }
        }
        Outcome::RateLimited
    }
}

/// One attempt: `Ok` with `Retry-After` for a 429, else the outcome as `Err`.
fn once(agent: &ureq::Agent, req: &Request, url: &str) -> Result<(u16, Option<Duration>), Outcome> {
    let result = if req.post {
        let mut r = agent.post(url);
        for (k, v) in &req.headers {
            r = r.header(k.as_str(), v.as_str());
        }
        match &req.body {
            Some(b) => r.send(&b[..]),
            None => r.send_empty(),
        }
    } else {
        let mut r = agent.get(url);
        for (k, v) in &req.headers {
            r = r.header(k.as_str(), v.as_str());
        }
        r.call()
    };
    let mut resp = result.map_err(|e| Outcome::Failed(describe(&e)))?;
    let status = resp.status().as_u16();
    if status == 429 {
        let wait = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Ok((429, wait));
    }
    // An answer that cannot be read whole says nothing: never "invalid" for lack of it.
    match resp.body_mut().with_config().limit(MAX_BODY).read_to_vec() {
        Ok(body) => Err(Outcome::Answered { status, body }),
        Err(_) => Err(Outcome::Failed("the answer could not be read")),
    }
}

/// An error, in words that hold nothing from the request.
fn describe(e: &ureq::Error) -> &'static str {
    match e {
        ureq::Error::Timeout(_) => "timed out",
        ureq::Error::HostNotFound => "host not found",
        ureq::Error::Io(_) | ureq::Error::ConnectionFailed => "connection failed",
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "TLS error",
        _ => "request failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_must_point_at_this_machine() {
        let ok =
            parse_overrides("api.github.com=http://127.0.0.1:8080, slack.com=http://localhost:9/")
                .unwrap();
        assert_eq!(ok["api.github.com"], "http://127.0.0.1:8080");
        assert_eq!(ok["slack.com"], "http://localhost:9");
        assert!(parse_overrides("x=http://[::1]:80").is_ok());
        for bad in [
            "api.github.com=http://10.0.0.1:80",
            "api.github.com=https://evil.example",
            "api.github.com=http://127.0.0.1.evil.example:80",
            "api.github.com=http://user@127.0.0.1:80",
            "api.github.com=http://127.0.0.1:80/path",
            "api.github.com",
        ] {
            assert!(parse_overrides(bad).is_err(), "{bad}");
        }
    }
}
