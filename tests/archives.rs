//! Archives, compressed files, UTF-16 text and container images, every case built here in
//! code: the member path syntax, nesting and its limit, bounds against bombs, hostile member
//! names, broken archives, and the same through `history` and `--staged`.

use crate::util::{fake, json, lh, Dir};
use std::io::Write;
use std::time::{Duration, Instant};

fn secret_line() -> String {
    format!("STRIPE = \"{}\"\n", fake::stripe())
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        // Names as given, `..` included: the archive is data, never unpacked.
        h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn xz(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    lzma_rs::xz_compress(&mut std::io::BufReader::new(data), &mut out).unwrap();
    out
}

fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
    let units = bom.then_some(0xFEFFu16).into_iter().chain(s.encode_utf16());
    units
        .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
        .collect()
}

/// Scans `d` and returns (exit code, findings, stderr).
fn scan(d: &Dir, extra: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let out = lh()
        .arg("scan")
        .arg(d.path())
        .args(["-f", "json"])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        json(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn paths(f: &[serde_json::Value]) -> Vec<String> {
    let mut p: Vec<String> = f
        .iter()
        .map(|x| x["path"].as_str().unwrap().to_string())
        .collect();
    p.sort();
    p
}

#[test]
fn members_of_every_format_with_their_paths() {
    let d = Dir::new();
    let s = secret_line();
    let jar = zip_of(&[
        ("META-INF/MANIFEST.MF", b"x"),
        ("app.properties", s.as_bytes()),
    ]);
    d.write("plain.zip", zip_of(&[("conf/.env", s.as_bytes())]));
    d.write("release.tar.gz", gz(&tar_of(&[("lib/app.jar", &jar)])));
    d.write(
        "backup.tar.xz",
        xz(&tar_of(&[("etc/app.env", s.as_bytes())])),
    );
    d.write("notes.txt.gz", gz(s.as_bytes()));
    d.write("n.txt.bz2", {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(s.as_bytes()).unwrap();
        e.finish().unwrap()
    });
    d.write(
        "n.txt.zst",
        ruzstd::encoding::compress_to_vec(
            s.as_bytes(),
            ruzstd::encoding::CompressionLevel::Fastest,
        ),
    );
    // Known by its bytes, not its name.
    d.write("artifact", zip_of(&[("creds.txt", s.as_bytes())]));
    let (code, f, _) = scan(&d, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        paths(&f),
        [
            "artifact!creds.txt",
            "backup.tar.xz!etc/app.env",
            "n.txt.bz2!n.txt",
            "n.txt.zst!n.txt",
            "notes.txt.gz!notes.txt",
            "plain.zip!conf/.env",
            "release.tar.gz!lib/app.jar!app.properties",
        ]
    );
    // Lines are the member's; the fingerprint holds the full path, so a baseline entry
    // for a member is stable and distinct.
    assert!(f.iter().all(|x| x["line"] == 1));
    let b = d.join("baseline.json");
    lh().arg("baseline")
        .arg(d.path())
        .arg("-o")
        .arg(&b)
        .assert()
        .code(0);
    let (code, f, _) = scan(&d, &["--baseline", b.to_str().unwrap()]);
    assert_eq!((code, f.len()), (0, 0));
    // 0 turns archives off: they are binary files again.
    let (code, _, _) = scan(&d, &["--max-archive-depth", "0"]);
    assert_eq!(code, 0);
}

#[test]
fn nesting_stops_at_the_limit() {
    let d = Dir::new();
    let mut inner = zip_of(&[("deep.env", secret_line().as_bytes())]);
    for i in 0..3 {
        inner = zip_of(&[(&format!("level{i}.zip"), &inner)]);
    }
    d.write("outer.zip", &inner); // the secret is 4 archives deep
    let (code, f, _) = scan(&d, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        paths(&f),
        ["outer.zip!level2.zip!level1.zip!level0.zip!deep.env"]
    );
    let (code, _, err) = scan(&d, &["--max-archive-depth", "3", "-v"]);
    assert_eq!(code, 0);
    assert!(err.contains("archive nested too deep"), "{err}");
}

#[test]
fn utf16_with_and_without_a_byte_order_mark() {
    let d = Dir::new();
    let text = format!("Write-Host 'deploy'\r\n{}", secret_line());
    d.write("le_bom.ps1", utf16(&text, true, true));
    d.write("be_bom.ps1", utf16(&text, false, true));
    d.write("le.reg", utf16(&text, true, false));
    d.write("be.txt", utf16(&text, false, false));
    let (code, f, _) = scan(&d, &[]);
    assert_eq!(code, 1);
    assert_eq!(f.len(), 4, "{f:?}");
    for x in &f {
        assert_eq!(x["line"], 2, "lines of the decoded text");
        assert_eq!(x["column"], 11);
        let enc = x["encoding"].as_str().unwrap();
        assert!(enc == "utf-16le" || enc == "utf-16be", "{enc}");
    }
}

#[test]
fn a_bomb_is_bounded_and_the_secret_beside_it_found() {
    let d = Dir::new();
    // 1 GiB of zeros next to a small secret.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    w.start_file("zeros.txt", opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        w.write_all(&chunk).unwrap();
    }
    w.start_file("app.env", opts).unwrap();
    w.write_all(secret_line().as_bytes()).unwrap();
    let bomb = w.finish().unwrap().into_inner();
    assert!(bomb.len() < 16 << 20, "{} bytes", bomb.len());
    d.write("bomb.zip", &bomb);
    let started = Instant::now();
    let (code, f, err) = scan(&d, &["-v"]);
    let took = started.elapsed();
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&f), ["bomb.zip!app.env"]);
    assert!(err.contains("bomb.zip!zeros.txt: too large"), "{err}");
    // Inflating stops at the size limit (10 MiB), not at 1 GiB.
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn hostile_names_many_members_broken_archives() {
    let d = Dir::new();
    let s = secret_line();
    d.write(
        "evil.tar",
        tar_of(&[
            ("../../etc/passwd", s.as_bytes()),
            ("/abs/key.env", s.as_bytes()),
        ]),
    );
    let empty: Vec<(String, &[u8])> = (0..100_000).map(|i| (format!("e{i}"), &b""[..])).collect();
    let refs: Vec<(&str, &[u8])> = empty.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    d.write("many.zip", zip_of(&refs));
    let good = zip_of(&[("a.env", s.as_bytes())]);
    d.write("truncated.zip", &good[..good.len() / 2]);
    let (code, f, err) = scan(&d, &[]);
    // Member names are reported, never used as file system paths.
    assert_eq!(
        paths(&f),
        ["evil.tar!../../etc/passwd", "evil.tar!/abs/key.env"]
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("truncated.zip: cannot read the archive"),
        "{err}"
    );
    assert!(err.contains("1 unreadable"), "{err}");
    // --strict makes an unreadable archive an error.
    std::fs::remove_file(d.join("evil.tar")).unwrap();
    let (code, _, _) = scan(&d, &["--strict"]);
    assert_eq!(code, 2);
}

#[test]
fn a_docker_save_image_and_an_oci_layout() {
    let s = secret_line();
    let layer1 = tar_of(&[("app/.env", s.as_bytes()), ("app/main.py", b"print(1)\n")]);
    // A later layer deletes the file: it is still in the image.
    let layer2 = tar_of(&[("app/.wh..env", b"")]);
    let config = format!(
        "{{\"config\":{{\"Env\":[\"PATH=/usr/bin\",\"GITHUB_TOKEN={}\",\"DB_PASSWORD=Xk9#mQ2v!pLr7\"]}},\"rootfs\":{{\"type\":\"layers\"}},\"history\":[{{\"created_by\":\"/bin/sh -c #(nop) ARG NPM_TOKEN=npm_{}\"}}]}}",
        fake::github(),
        "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0dE6gH9j"
    );
    let manifest = b"[{\"Config\":\"cfg.json\",\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]}]";
    let image = tar_of(&[
        ("manifest.json", manifest),
        ("cfg.json", config.as_bytes()),
        ("l1/layer.tar", &layer1),
        ("l2/layer.tar", &layer2),
    ]);
    let d = Dir::new();
    d.write("image.tar", &image);
    let (code, f, _) = scan(&d, &[]);
    assert_eq!(code, 1);
    let p = paths(&f);
    assert!(
        p.contains(&"image.tar!l1/layer.tar!app/.env".to_string()),
        "{p:?}"
    );
    // The config: a token in Env (its own rule), a password in Env and a build argument in
    // the history (the image-config rule).
    let in_config: Vec<&str> = f
        .iter()
        .filter(|x| x["path"] == "image.tar!cfg.json")
        .map(|x| x["rule_id"].as_str().unwrap())
        .collect();
    assert!(in_config.contains(&"github-pat"), "{in_config:?}");
    assert_eq!(
        in_config
            .iter()
            .filter(|r| **r == "container-image-config")
            .count(),
        2,
        "{in_config:?}"
    );
    // The file a later layer deletes says so.
    let deleted = f
        .iter()
        .find(|x| x["path"] == "image.tar!l1/layer.tar!app/.env")
        .unwrap();
    assert!(deleted["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "deleted-in-later-layer"));
    let text = lh().arg("scan").arg(d.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("deleted by a later image layer"));
    // An OCI layout: blobs named by digest, layers gzipped.
    let o = Dir::new();
    o.write("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
    let digest = "4f".repeat(32);
    o.write(&format!("blobs/sha256/{digest}"), gz(&layer1));
    let (code, f, _) = scan(&o, &[]);
    assert_eq!(code, 1);
    assert_eq!(paths(&f), [format!("blobs/sha256/{digest}!app/.env")]);
}

#[test]
fn archives_in_history_and_in_the_index() {
    let d = Dir::new();
    d.git_init();
    d.write(
        "dist/app.jar",
        zip_of(&[("app.properties", secret_line().as_bytes())]),
    );
    d.commit_all("release");
    let out = lh()
        .current_dir(d.path())
        .args(["history", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(paths(&json(&out.stdout)), ["dist/app.jar!app.properties"]);
    d.write("profile.ps1", utf16(&secret_line(), true, true));
    d.git(&["add", "profile.ps1"]);
    let out = lh()
        .current_dir(d.path())
        .args(["scan", "--staged", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let f = json(&out.stdout);
    assert_eq!(paths(&f), ["profile.ps1"]);
    assert_eq!(f[0]["encoding"], "utf-16le");
}
