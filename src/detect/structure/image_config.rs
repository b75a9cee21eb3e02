//! Container image configs: the JSON a `docker save` archive or an OCI layout keeps beside
//! the layers (`"rootfs": {"type": "layers", ...}`). Build-time secrets end up there:
//! `Env` entries (`ENV DB_PASSWORD=...`), the `history[].created_by` line of every build step
//! (`ARG NPM_TOKEN=...`, `RUN echo password=... > /etc/app.conf`), `Labels`, `Cmd` and
//! `Entrypoint`.
//!
//! - An `Env` entry or a label is judged as a variable of a `.env` file.
//! - A `created_by` line, `Cmd` and `Entrypoint` are read as shell lines.
//! - Provider tokens anywhere in the file are found by their own rules.
//!
//! A field is placed at the JSON string that holds it.

use super::assign::{PASSWORDS, SECRETS};
use super::common::file_name;
use super::field::{Extractor, Field};
use super::lines_common::contains_within;
use serde_json::Value;

pub struct ImageConfig;

impl Extractor for ImageConfig {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let name = file_name(path);
        let named = name.ends_with(".json")
            || (path.contains("blobs/") && name.bytes().all(|b| b.is_ascii_hexdigit()));
        named
            && data.trim_ascii_start().starts_with(b"{")
            && contains_within(data, b"\"rootfs\"", 1 << 20)
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let Ok(v) = serde_json::from_slice::<Value>(data) else {
            return;
        };
        for cfg in [&v["config"], &v["container_config"]] {
            for e in strings(&cfg["Env"]) {
                if let Some((name, value)) = e.split_once('=') {
                    variable(data, e, name, value, out);
                }
            }
            if let Some(labels) = cfg["Labels"].as_object() {
                for (name, value) in labels {
                    if let Some(value) = value.as_str() {
                        variable(data, value, name, value, out);
                    }
                }
            }
            for key in ["Cmd", "Entrypoint"] {
                let args = strings(&cfg[key]);
                if !args.is_empty() {
                    let line = args.join(" ");
                    shell(data, args[args.len() - 1], &line, out);
                }
            }
        }
        if let Some(history) = v["history"].as_array() {
            for step in history {
                if let Some(line) = step["created_by"].as_str() {
                    // `/bin/sh -c #(nop)  ENV X=y`: the instruction after the marker.
                    let body = line.split_once("#(nop)").map_or(line, |(_, b)| b);
                    shell(data, line, body.trim(), out);
                }
            }
        }
    }
}

/// The strings of a JSON array.
fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Where the JSON string holding `s` is written in `data` (its content, without quotes).
fn locate(data: &[u8], s: &str) -> Option<(usize, usize)> {
    let encoded = serde_json::to_string(s).ok()?;
    let at = memchr::memmem::find(data, encoded.as_bytes())?;
    Some((at + 1, at + encoded.len() - 1))
}

/// Fields found in `(name, value)` judged as a variable, placed at the string `held_in`.
fn variable(data: &[u8], held_in: &str, name: &str, value: &str, out: &mut Vec<Field>) {
    let mut found = Vec::new();
    PASSWORDS.judge_entry(name.as_bytes(), value.as_bytes(), &mut found);
    SECRETS.judge_entry(name.as_bytes(), value.as_bytes(), &mut found);
    place(data, held_in, value.as_bytes(), found, out);
}

/// Fields found in a shell `line`, placed at the string `held_in`.
fn shell(data: &[u8], held_in: &str, line: &str, out: &mut Vec<Field>) {
    let mut found = Vec::new();
    PASSWORDS.extract("build.sh", line.as_bytes(), &mut found);
    SECRETS.extract("build.sh", line.as_bytes(), &mut found);
    place(data, held_in, line.as_bytes(), found, out);
}

fn place(data: &[u8], held_in: &str, text: &[u8], found: Vec<Field>, out: &mut Vec<Field>) {
    let Some((start, end)) = locate(data, held_in) else {
        return;
    };
    for f in found {
        let secret = f.value.unwrap_or_else(|| text[f.start..f.end].to_vec());
        out.push(Field {
            value: Some(secret),
            ..Field::plain(start, end, f.kind, f.confidence)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_history_labels_and_commands() {
        let cfg = br#"{"architecture":"amd64","config":{"Env":["PATH=/usr/bin","DB_PASSWORD=Xk9#mQ2v!pLr7"],"Labels":{"version":"1.2"},"Cmd":["serve","--port","80"]},"rootfs":{"type":"layers","diff_ids":[]},"history":[{"created_by":"/bin/sh -c #(nop)  ENV API_SECRET=Vq7LmN2pXr9sT4wZ8yBc3dF6"},{"created_by":"RUN /bin/sh -c echo build"}]}"#;
        assert!(ImageConfig.applies("blobs/sha256/ab12", cfg));
        assert!(ImageConfig.applies("image.tar!cfg.json", cfg));
        assert!(!ImageConfig.applies("package.json", b"{\"name\":\"x\"}"));
        let mut out = Vec::new();
        ImageConfig.extract("c.json", cfg, &mut out);
        let secrets: Vec<String> = out
            .iter()
            .map(|f| String::from_utf8_lossy(f.value.as_deref().unwrap()).into_owned())
            .collect();
        assert!(
            secrets.contains(&"Xk9#mQ2v!pLr7".to_string()),
            "{secrets:?}"
        );
        assert!(
            secrets.contains(&"Vq7LmN2pXr9sT4wZ8yBc3dF6".to_string()),
            "{secrets:?}"
        );
        assert_eq!(secrets.len(), 2, "{secrets:?}");
    }
}
