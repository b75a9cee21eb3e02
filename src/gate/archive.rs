//! Archives and compressed files, opened in memory: zip (and jar, war, ear, apk, whl, nupkg,
//! which are zip), tar, and gzip, bzip2, xz and zstd streams (a compressed tar, or a single
//! compressed file). Each member goes back through the gate under the name
//! `OUTER!member/path`, nested as `a.tar.gz!lib/app.jar!app.properties`; a compressed tar
//! is one level (`a.tar.gz!path`), a compressed single file is named by its outer name
//! without the suffix (`notes.txt.gz!notes.txt`).
//!
//! Member names are data: they are joined onto the outer name for reports and never onto a
//! file system path, and nothing is written to disk. Bounds, so that a decompression bomb
//! costs little: a member is inflated up to the size limit and no further (then skipped as
//! too large); an archive and everything nested in it may expand to [`MAX_EXPANDED`] bytes
//! ([`MAX_RATIO`] times its own size for a small one, at least 64 MiB) and [`MAX_MEMBERS`]
//! members in all; archives nest [`DEFAULT_DEPTH`] deep unless
//! `--max-archive-depth` says otherwise.

use std::cell::Cell;
use std::io::{self, Read, Write};

/// An archive file itself is read into memory up to this size (members are bounded by the
/// size limit).
pub const MAX_ARCHIVE: u64 = 512 << 20;
/// Bytes all the members of one outermost archive may expand to, nested archives included.
pub const MAX_EXPANDED: u64 = 2 << 30;
/// Members (files, links, directories) of one outermost archive, nested ones included.
pub const MAX_MEMBERS: u64 = 200_000;
/// How deep archives are opened inside archives by default (`--max-archive-depth`).
pub const DEFAULT_DEPTH: u8 = 4;

/// The container formats, by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Zip,
    Tar,
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

/// The format of `data`, from its magic bytes.
pub fn sniff(data: &[u8]) -> Option<Format> {
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        Some(Format::Zip)
    } else if data.starts_with(&[0x1f, 0x8b]) {
        Some(Format::Gzip)
    } else if data.starts_with(b"BZh") && data.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        Some(Format::Bzip2)
    } else if data.starts_with(&[0xFD, b'7', b'z', b'X', b'Z', 0]) {
        Some(Format::Xz)
    } else if data.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        Some(Format::Zstd)
    } else if data.len() >= 262 && &data[257..262] == b"ustar" {
        Some(Format::Tar)
    } else {
        None
    }
}

/// Compressed-stream suffixes and what the decompressed name becomes.
const STREAM_SUFFIXES: &[(&str, &str)] = &[
    (".tgz", ".tar"),
    (".tbz2", ".tar"),
    (".tbz", ".tar"),
    (".txz", ".tar"),
    (".tzst", ".tar"),
    (".gz", ""),
    (".bz2", ""),
    (".xz", ""),
    (".zst", ""),
];

/// Extensions of archives (opened even when over the size limit, up to [`MAX_ARCHIVE`]).
const EXTENSIONS: &[&str] = &[
    "zip", "jar", "war", "ear", "apk", "aar", "whl", "nupkg", "egg", "ipa", "xpi", "vsix", "tar",
    "tgz", "gz", "bz2", "tbz", "tbz2", "xz", "txz", "zst", "tzst",
];

/// Is `path` named as an archive or a compressed file?
pub fn has_archive_extension(path: &str) -> bool {
    let name = path.rsplit(['/', '!']).next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
    })
}

/// Is `path` an OCI image layout's blob (`blobs/sha256/<hex>`), named by digest only?
pub fn is_oci_blob(path: &str) -> bool {
    let mut parts = path.rsplit(['/', '!']);
    let (Some(hex), Some(alg), Some(dir)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    dir == "blobs"
        && !alg.is_empty()
        && hex.len() >= 32
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Is a member an image layer's whiteout (`dir/.wh.name`: the layer deletes `dir/name`)?
pub fn is_whiteout(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.starts_with(".wh.") && file != ".wh..wh..opq" && file.len() > 4
}

/// Marks the findings in files that another layer of the same image deletes (`whiteouts`,
/// as recorded by the gate): deleting a file in a later layer leaves it in the image.
pub fn mark_deleted(whiteouts: &[String], findings: &mut [crate::finding::Finding]) {
    // (image, layer, deleted path) of each whiteout.
    let deleted: Vec<(&str, &str, String)> = whiteouts
        .iter()
        .filter_map(|w| {
            let (rest, member) = w.rsplit_once('!')?;
            let (image, layer) = rest.rsplit_once('!')?;
            let (dir, file) = member.rsplit_once('/').unwrap_or(("", member));
            let target = file.strip_prefix(".wh.")?;
            let path = if dir.is_empty() {
                target.to_string()
            } else {
                format!("{dir}/{target}")
            };
            Some((image, layer, path))
        })
        .collect();
    if deleted.is_empty() {
        return;
    }
    for f in findings {
        let Some((rest, member)) = f.path.rsplit_once('!') else {
            continue;
        };
        let Some((image, layer)) = rest.rsplit_once('!') else {
            continue;
        };
        let gone = deleted
            .iter()
            .any(|(i, l, p)| *i == image && *l != layer && p == member);
        if gone && !f.tags.iter().any(|t| t == DELETED_TAG) {
            f.tags.push(DELETED_TAG.to_string());
        }
    }
}

/// The tag of a finding in a file a later image layer deletes.
pub const DELETED_TAG: &str = "deleted-in-later-layer";

/// The name of a compressed single file once decompressed: `notes.txt.gz` -> `notes.txt`.
fn inner_name(outer: &str) -> String {
    let name = outer.rsplit(['/', '!']).next().unwrap_or(outer);
    let lower = name.to_ascii_lowercase();
    for (suffix, replacement) in STREAM_SUFFIXES {
        if lower.ends_with(suffix) && name.len() > suffix.len() {
            return format!("{}{replacement}", &name[..name.len() - suffix.len()]);
        }
    }
    format!("{name}.data")
}

/// What a member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    File,
    Symlink,
    /// A device, FIFO or other special entry.
    Special,
}

/// One member, read up to its limit: `data` holds at most `limit + 1` bytes, so that a
/// member over the limit is known to be (and is never inflated further).
pub struct Member<'a> {
    pub name: &'a str,
    pub kind: MemberKind,
    pub data: &'a [u8],
}

/// Why an archive could not be read whole.
#[derive(Debug)]
pub enum Stop {
    /// The budget of expanded bytes or members ran out.
    Budget(&'static str),
    /// A read or format error (a truncated or corrupt archive).
    Broken(String),
}

/// What an outermost archive, nested archives included, may still expand to.
#[derive(Debug)]
pub struct Budget {
    bytes: Cell<u64>,
    members: Cell<u64>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            bytes: Cell::new(MAX_EXPANDED),
            members: Cell::new(MAX_MEMBERS),
        }
    }
}

/// The expansion ratio an archive may reach (its members against its own size), above a
/// floor of [`RATIO_FLOOR`] bytes: a small archive that expands two hundredfold is a bomb.
pub const MAX_RATIO: u64 = 200;
const RATIO_FLOOR: u64 = 64 << 20;

impl Budget {
    /// The budget of an outermost archive of `size` bytes: [`MAX_EXPANDED`], or less for a
    /// small archive ([`MAX_RATIO`] times its size, at least 64 MiB).
    pub fn for_archive(size: usize) -> Budget {
        let by_ratio = (size as u64).saturating_mul(MAX_RATIO).max(RATIO_FLOOR);
        Budget {
            bytes: Cell::new(by_ratio.min(MAX_EXPANDED)),
            members: Cell::new(MAX_MEMBERS),
        }
    }

    fn member(&self) -> Result<(), Stop> {
        let m = self.members.get();
        if m == 0 {
            return Err(Stop::Budget("too many members"));
        }
        self.members.set(m - 1);
        Ok(())
    }

    fn spend(&self, n: u64) -> Result<(), Stop> {
        let b = self.bytes.get();
        if n > b {
            self.bytes.set(0);
            return Err(Stop::Budget("expanded size limit reached"));
        }
        self.bytes.set(b - n);
        Ok(())
    }
}

/// Reads at most `limit + 1` bytes of `r` into `buf` (cleared first).
fn read_bounded(r: impl Read, limit: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.clear();
    r.take(limit.saturating_add(1)).read_to_end(buf).map(|_| ())
}

/// Calls `each` for every member of the archive `data` (of format `format`, named `outer`).
/// `limit(name)` is how many bytes of a member to inflate at most. Stops at the budget.
pub fn members(
    format: Format,
    outer: &str,
    data: &[u8],
    budget: &Budget,
    limit: &dyn Fn(&str) -> u64,
    each: &mut dyn FnMut(Member<'_>),
) -> Result<(), Stop> {
    let broken = |e: &dyn std::fmt::Display| Stop::Broken(e.to_string());
    let mut buf = Vec::new();
    match format {
        Format::Zip => {
            let mut zip = zip::ZipArchive::new(io::Cursor::new(data)).map_err(|e| broken(&e))?;
            // A member that cannot be read (encrypted, corrupt) is named at the end; the
            // others are still scanned.
            let (mut unreadable, mut first) = (0usize, None);
            for i in 0..zip.len() {
                budget.member()?;
                let mut f = match zip.by_index(i) {
                    Ok(f) => f,
                    Err(e) => {
                        unreadable += 1;
                        first.get_or_insert_with(|| e.to_string());
                        continue;
                    }
                };
                if f.is_dir() {
                    continue;
                }
                let name = f.name().to_string();
                let kind = if f.is_symlink() {
                    MemberKind::Symlink
                } else {
                    MemberKind::File
                };
                buf.clear();
                if kind == MemberKind::File {
                    let cap = limit(&name).min(budget.bytes.get());
                    if let Err(e) = read_bounded(&mut f, cap, &mut buf) {
                        unreadable += 1;
                        first.get_or_insert_with(|| format!("{name}: {e}"));
                        continue;
                    }
                    budget.spend(buf.len() as u64)?;
                }
                each(Member {
                    name: &name,
                    kind,
                    data: &buf,
                });
            }
            match first {
                Some(e) => Err(Stop::Broken(format!(
                    "{unreadable} member(s) unreadable: {e}"
                ))),
                None => Ok(()),
            }
        }
        Format::Tar => tar_members(io::Cursor::new(data), budget, limit, each),
        Format::Gzip | Format::Bzip2 | Format::Xz | Format::Zstd => {
            budget.member()?;
            let name = inner_name(outer);
            // Every byte inflated counts against the budget, kept or skipped over.
            let total = Cell::new(0u64);
            let cap = budget.bytes.get();
            let mut r = Counted {
                inner: decoder(format, data, cap).map_err(|e| broken(&e))?,
                count: &total,
                cap,
            };
            // A compressed tar is streamed, never held whole; anything else is one file.
            let mut head = Vec::new();
            read_bounded(&mut r, 511, &mut head).map_err(|e| broken(&e))?;
            let result = if sniff(&head) == Some(Format::Tar) {
                tar_members(io::Cursor::new(head).chain(&mut r), budget, limit, each)
            } else {
                let lim = limit(&name);
                let mut rest = Vec::new();
                let want = (lim + 1).saturating_sub(head.len() as u64);
                if want > 0 {
                    read_bounded(&mut r, want.saturating_sub(1), &mut rest)
                        .map_err(|e| broken(&e))?;
                }
                head.extend_from_slice(&rest);
                each(Member {
                    name: &name,
                    kind: MemberKind::File,
                    data: &head,
                });
                Ok(())
            };
            budget
                .bytes
                .set(budget.bytes.get().saturating_sub(total.get()));
            if total.get() > cap {
                return Err(Stop::Budget("expanded size limit reached"));
            }
            result
        }
    }
}

/// The members of a tar stream.
fn tar_members(
    r: impl Read,
    budget: &Budget,
    limit: &dyn Fn(&str) -> u64,
    each: &mut dyn FnMut(Member<'_>),
) -> Result<(), Stop> {
    let broken = |e: &dyn std::fmt::Display| Stop::Broken(e.to_string());
    let mut buf = Vec::new();
    let mut ar = tar::Archive::new(r);
    for entry in ar.entries().map_err(|e| broken(&e))? {
        budget.member()?;
        let mut e = entry.map_err(|e| broken(&e))?;
        let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        let kind = match e.header().entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous => MemberKind::File,
            tar::EntryType::Symlink | tar::EntryType::Link => MemberKind::Symlink,
            tar::EntryType::Directory
            | tar::EntryType::XGlobalHeader
            | tar::EntryType::XHeader
            | tar::EntryType::GNULongName
            | tar::EntryType::GNULongLink => continue,
            _ => MemberKind::Special,
        };
        buf.clear();
        if kind == MemberKind::File {
            let cap = limit(&name).min(budget.bytes.get());
            read_bounded(&mut e, cap, &mut buf).map_err(|e| broken(&e))?;
            budget.spend(buf.len() as u64)?;
        }
        each(Member {
            name: &name,
            kind,
            data: &buf,
        });
    }
    Ok(())
}

/// A reader that counts what it reads and fails past `cap`.
struct Counted<'c, R> {
    inner: R,
    count: &'c Cell<u64>,
    cap: u64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
        if self.count.get() > self.cap {
            return Err(io::Error::other("expanded size limit reached"));
        }
        let n = self.inner.read(b)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// A reader of the decompressed stream. xz has no streaming reader here: it is inflated
/// into memory, at most `cap + 1` bytes.
fn decoder<'a>(format: Format, data: &'a [u8], cap: u64) -> io::Result<Box<dyn Read + 'a>> {
    Ok(match format {
        Format::Gzip => Box::new(flate2::read::MultiGzDecoder::new(data)),
        Format::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(data)),
        Format::Zstd => Box::new(
            ruzstd::decoding::StreamingDecoder::new(data)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?,
        ),
        Format::Xz => {
            let mut out = Vec::new();
            let mut w = Bounded {
                out: &mut out,
                limit: cap.saturating_add(1),
                full: false,
            };
            let mut input = io::BufReader::new(data);
            match lzma_rs::xz_decompress(&mut input, &mut w) {
                Ok(()) => {}
                Err(_) if w.full => {}
                Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
            }
            Box::new(io::Cursor::new(out))
        }
        Format::Zip | Format::Tar => return Err(io::Error::other("not a compressed stream")),
    })
}

/// A writer that takes `limit` bytes and then refuses, saying it is full.
struct Bounded<'a> {
    out: &'a mut Vec<u8>,
    limit: u64,
    full: bool,
}

impl Write for Bounded<'_> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let room = self.limit.saturating_sub(self.out.len() as u64) as usize;
        if room == 0 {
            self.full = true;
            return Err(io::Error::other("member size limit"));
        }
        let n = b.len().min(room);
        self.out.extend_from_slice(&b[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_magic() {
        assert!(has_archive_extension("dist/app.JAR"));
        assert!(has_archive_extension("a.tar.gz!lib/x.zip"));
        assert!(!has_archive_extension("src/zip.rs"));
        assert!(is_oci_blob(
            "img/blobs/sha256/0123456789abcdef0123456789abcdef0123"
        ));
        assert!(!is_oci_blob("src/blobs/readme.md"));
        assert_eq!(inner_name("logs/app.log.gz"), "app.log");
        assert_eq!(inner_name("x.tgz"), "x.tar");
        assert_eq!(inner_name("blob"), "blob.data");
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(Format::Zip));
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Some(Format::Gzip));
        assert_eq!(sniff(b"BZh9"), Some(Format::Bzip2));
        assert_eq!(sniff(b"BZhx"), None);
        assert_eq!(sniff(b"plain text"), None);
    }

    #[test]
    fn a_small_archive_expanding_two_hundredfold_is_stopped() {
        let mut b = tar::Builder::new(Vec::new());
        let zeros = vec![0u8; 1 << 20];
        for i in 0..80 {
            let mut h = tar::Header::new_gnu();
            h.set_size(zeros.len() as u64);
            h.set_cksum();
            b.append_data(&mut h, format!("z{i}.txt"), &zeros[..])
                .unwrap();
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&b.into_inner().unwrap()).unwrap();
        let gz = enc.finish().unwrap();
        let budget = Budget::for_archive(gz.len());
        let mut seen = 0;
        let r = members(
            Format::Gzip,
            "z.tar.gz",
            &gz,
            &budget,
            &|_| 2 << 20,
            &mut |_| seen += 1,
        );
        assert!(
            matches!(r, Err(Stop::Budget(_))),
            "{r:?} gz={} seen={seen}",
            gz.len()
        );
        assert!(seen < 80, "{seen}");
    }

    #[test]
    fn a_corrupt_member_does_not_hide_the_others() {
        let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("bad.txt", opts).unwrap();
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        w.write_all(&noise).unwrap();
        w.start_file("good.txt", opts).unwrap();
        w.write_all(b"fine").unwrap();
        let mut z = w.finish().unwrap().into_inner();
        // Garble the middle of bad.txt's compressed bytes.
        for b in &mut z[200..260] {
            *b = 0xFF;
        }
        let mut seen = Vec::new();
        let r = members(
            Format::Zip,
            "a.zip",
            &z,
            &Budget::default(),
            &|_| 1 << 20,
            &mut |m| seen.push(m.name.to_string()),
        );
        assert!(matches!(r, Err(Stop::Broken(_))), "{r:?}");
        assert_eq!(seen, ["good.txt"], "{r:?}");
    }

    #[test]
    fn a_gzip_member_stops_at_its_limit() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&vec![0u8; 1 << 20]).unwrap();
        let gz = enc.finish().unwrap();
        let budget = Budget::default();
        let mut sizes = Vec::new();
        members(
            Format::Gzip,
            "z.bin.gz",
            &gz,
            &budget,
            &|_| 1000,
            &mut |m| sizes.push((m.name.to_string(), m.data.len())),
        )
        .unwrap();
        // A tar is allowed the archive limit; this one is not a tar, so it is one member.
        assert_eq!(sizes.len(), 1);
        assert_eq!(sizes[0].0, "z.bin");
    }
}
