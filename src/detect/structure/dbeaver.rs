//! DBeaver connection files: the legacy `.dbeaver-data-sources.xml` (a project's root, and
//! `data-sources*.xml` under `.dbeaver/`), whose `<connection host=".." user=".."
//! password=".."/>` holds the saved password in plain text, and `data-sources*.json` under
//! `.dbeaver/`, whose `connections.<id>.configuration` holds `password` when the password was
//! saved without the secure store. Newer versions keep passwords in `credentials-config.json`,
//! encrypted with a key every installation shares: that file is a path rule's.
//!
//! The host is the connection's `host` (or the `url`'s host when there is none).

use super::common::{field, file_name, host_of, is_reference};
use super::field::{Extractor, Field, FieldKind};
use super::json;
use super::xml;
use crate::rules::Confidence;

pub struct DBeaver;

impl Extractor for DBeaver {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        let in_dir = path.starts_with(".dbeaver/") || path.contains("/.dbeaver/");
        name.contains("data-sources")
            && (name.ends_with(".xml") || name.ends_with(".json"))
            && (in_dir || name.contains("dbeaver"))
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        if file_name(path).to_ascii_lowercase().ends_with(".json") {
            from_json(data, out);
        } else {
            from_xml(data, out);
        }
        out.sort_by_key(|f| f.start);
    }
}

fn from_xml(data: &[u8], out: &mut Vec<Field>) {
    xml::scan(data, &mut |e| {
        if e.name() != b"connection" {
            return;
        }
        let Some(a) = e.attr("password") else {
            return;
        };
        let value = a.value(data);
        let v = value.trim_ascii();
        if v.is_empty() || is_reference(v) {
            return;
        }
        let host = e
            .attr_value(data, "host")
            .filter(|h| !h.trim_ascii().is_empty())
            .map(|h| String::from_utf8_lossy(&h).into_owned())
            .or_else(|| e.attr_value(data, "url").map(|u| host_of(&u)));
        let mut f = field(
            data,
            a.start,
            a.end,
            value.clone(),
            FieldKind::Password,
            Confidence::High,
        );
        f.host = host;
        out.push(f);
    });
}

fn from_json(data: &[u8], out: &mut Vec<Field>) {
    json::records(data, &mut |p, members| {
        let [c, _, cfg] = p else {
            return;
        };
        if !(c.is("connections") && cfg.is("configuration")) {
            return;
        }
        let Some(s) = json::member(members, "password").filter(|s| s.is_string()) else {
            return;
        };
        let value = s.text(data);
        let v = value.trim_ascii();
        if v.is_empty() || is_reference(v) {
            return;
        }
        let host = json::member_text(data, members, "host")
            .filter(|h| !h.trim_ascii().is_empty())
            .map(|h| String::from_utf8_lossy(&h).into_owned())
            .or_else(|| json::member_text(data, members, "url").map(|u| host_of(&u)));
        let mut f = field(
            data,
            s.start,
            s.end,
            value.clone(),
            FieldKind::Password,
            Confidence::High,
        );
        f.host = host;
        out.push(f);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, data: &str) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        if DBeaver.applies(path, data.as_bytes()) {
            DBeaver.extract(path, data.as_bytes(), &mut out);
        }
        out.iter()
            .map(|f| {
                let v = f
                    .value
                    .clone()
                    .unwrap_or_else(|| data.as_bytes()[f.start..f.end].to_vec());
                (String::from_utf8_lossy(&v).into_owned(), f.host.clone())
            })
            .collect()
    }

    #[test]
    fn legacy_xml_and_json_configurations() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<data-sources>
	<data-source id="postgres-jdbc-1" provider="postgresql" driver="postgres-jdbc" name="prod" save-password="true">
		<connection host="db.acme.test" port="5432" server="" database="shop" url="jdbc:postgresql://db.acme.test:5432/shop" user="app" password="Welcome@2023" type="prod"/> <!-- leakhound:allow -->
	</data-source>
	<data-source id="h2" provider="generic" name="local">
		<connection url="jdbc:h2:mem:x" user="sa" password=""/>
	</data-source>
</data-sources>"#;
        assert_eq!(
            run("db/.dbeaver-data-sources.xml", xml),
            vec![("Welcome@2023".into(), Some("db.acme.test".into()))]
        );
        let json = r#"{
  "folders": {},
  "connections": {
    "mysql8-1": {
      "provider": "mysql",
      "driver": "mysql8",
      "name": "orders",
      "save-password": true,
      "configuration": {"host": "mysql.acme.test", "port": "3306", "url": "jdbc:mysql://mysql.acme.test:3306/", "user": "orders", "password": "Spring2022$", "type": "dev"} // leakhound:allow
    },
    "pg-2": {"configuration": {"host": "localhost", "user": "me", "password": "${PG_PASSWORD}"}}
  }
}"#;
        assert_eq!(
            run("project/.dbeaver/data-sources.json", json),
            vec![("Spring2022$".into(), Some("mysql.acme.test".into()))]
        );
        assert!(run("src/data-sources.json", json).is_empty());
    }
}
