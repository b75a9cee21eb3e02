//! `leakhound fix`: the dry-run diff, `--write` for each language (then running or compiling
//! the rewritten program where the toolchain is on this machine), `.env` and `.gitignore`
//! handling, refusals, and that a scan afterwards is clean.

use crate::util::{fake, lh, Dir};
use std::path::Path;
use std::process::Command as Std;

fn repo() -> Dir {
    let d = Dir::new();
    d.git_init();
    d
}

/// Is `tool` on PATH? Tests that would run it say so when it is not.
fn have(tool: &str) -> bool {
    let ok = Std::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED running the rewritten program: {tool} is not installed");
    }
    ok
}

/// Runs `cmd` in `dir` with the variables of `dir/.env` set, returns stdout.
fn run_with_env(dir: &Path, cmd: &[&str]) -> String {
    let env = std::fs::read_to_string(dir.join(".env")).unwrap();
    let mut c = Std::new(cmd[0]);
    c.args(&cmd[1..]).current_dir(dir);
    for line in env.lines() {
        let (k, v) = line.split_once('=').unwrap();
        c.env(k, v.trim_matches('\''));
    }
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs the rewritten program with `.env` loaded and checks it still sees the key (it
/// prints the key's last four characters).
fn prints_key_tail(dir: &Path, cmd: &[&str]) {
    let out = run_with_env(dir, cmd);
    assert_eq!(out.trim(), &fake::stripe()[fake::stripe().len() - 4..]);
}

/// Writes `file`, checks the dry run, applies the fix, checks `.env`, `.gitignore` and a
/// clean scan; returns the directory and the rewritten text.
fn fix_one(file: &str, text: &str, want: &str) -> (Dir, String) {
    let d = repo();
    d.write(file, text);
    let out = lh()
        .current_dir(d.path())
        .args(["fix", "."])
        .assert()
        .code(1);
    let diff = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(diff.contains(&format!("+++ b/{file}")), "{diff}");
    assert!(diff.contains(want), "{want} not in the diff:\n{diff}");
    assert!(!diff.contains(&fake::stripe()), "the diff shows the secret");
    assert_eq!(d.read(file), text, "the dry run changed the file");
    assert!(!d.join(".env").exists());

    lh().current_dir(d.path())
        .args(["fix", ".", "--write"])
        .assert()
        .code(0);
    let new = d.read(file);
    assert!(new.contains(want), "{new}");
    assert!(!new.contains(&fake::stripe()));
    let env = d.read(".env");
    assert!(env.contains(&fake::stripe()), "{env}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join(".env"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(d.read(".gitignore").lines().any(|l| l == ".env"));
    lh().current_dir(d.path())
        .args(["scan", "."])
        .assert()
        .code(0);
    (d, new)
}

#[test]
fn python_is_rewritten_and_still_runs() {
    let text = format!(
        "\"\"\"A small service.\"\"\"\nimport sys\n\nAPI_KEY = \"{}\"\n\nprint(API_KEY[-4:])\n",
        fake::stripe()
    );
    let (d, new) = fix_one("app.py", &text, "API_KEY = os.environ[\"API_KEY\"]");
    assert!(
        new.contains("\"\"\"A small service.\"\"\"\nimport os\nimport sys\n"),
        "{new}"
    );
    if have("python3") {
        prints_key_tail(d.path(), &["python3", "app.py"]);
    }
}

#[test]
fn javascript_is_rewritten_and_still_runs() {
    let text = format!(
        "const config = {{\n  stripeKey: \"{}\",\n}};\nconsole.log(config.stripeKey.slice(-4));\n",
        fake::stripe()
    );
    let (d, _) = fix_one("index.js", &text, "stripeKey: process.env.STRIPE_KEY,");
    if have("node") {
        prints_key_tail(d.path(), &["node", "index.js"]);
    }
}

#[test]
fn go_gets_the_import_and_a_var() {
    let text = format!(
        "package main\n\nimport \"fmt\"\n\nconst apiKey = \"{}\"\n\nfunc main() {{\n\tfmt.Println(apiKey[len(apiKey)-4:])\n}}\n",
        fake::stripe()
    );
    let (d, new) = fix_one("main.go", &text, "var apiKey = os.Getenv(\"API_KEY\")");
    assert!(new.contains("import \"os\"\nimport \"fmt\""), "{new}");
    if have("go") {
        prints_key_tail(d.path(), &["go", "run", "main.go"]);
    }
}

#[test]
fn ruby_is_rewritten() {
    let text = format!(
        "STRIPE = {{ api_key: '{}' }}\nputs STRIPE[:api_key][-4..]\n",
        fake::stripe()
    );
    let (d, _) = fix_one("pay.rb", &text, "api_key: ENV.fetch(\"API_KEY\")");
    if have("ruby") {
        prints_key_tail(d.path(), &["ruby", "pay.rb"]);
    }
}

#[test]
fn java_is_rewritten_and_still_compiles_and_runs() {
    let text = format!(
        "public class Pay {{\n    private static final String API_KEY = \"{}\";\n\n    public static void main(String[] a) {{\n        System.out.println(API_KEY.substring(API_KEY.length() - 4));\n    }}\n}}\n",
        fake::stripe()
    );
    let (d, _) = fix_one("Pay.java", &text, "API_KEY = System.getenv(\"API_KEY\");");
    if have("javac") {
        run_with_env(d.path(), &["javac", "Pay.java"]);
        prints_key_tail(d.path(), &["java", "-cp", ".", "Pay"]);
    }
}

#[test]
fn shell_is_rewritten_and_still_runs() {
    let text = format!(
        "#!/bin/sh\nset -eu\nexport STRIPE_API_KEY={}\necho \"${{STRIPE_API_KEY#????????????????????????????}}\"\n",
        fake::stripe()
    );
    let (d, _) = fix_one(
        "deploy.sh",
        &text,
        "export STRIPE_API_KEY=\"${STRIPE_API_KEY:?}\"",
    );
    let out = run_with_env(d.path(), &["sh", "deploy.sh"]);
    assert_eq!(out.trim(), &fake::stripe()[28..]);
}

#[test]
fn existing_env_entries_are_kept_and_names_do_not_clash() {
    let d = repo();
    d.write(".env", "# local settings\nDEBUG=1\nAPI_KEY=another-value\n");
    d.write(".gitignore", "target/\n.env\n");
    d.write("a.py", format!("API_KEY = \"{}\"\n", fake::stripe()));
    d.write("b.py", format!("api_key = \"{}\"\n", fake::stripe2()));
    d.write("c.py", format!("API_KEY = \"{}\"\n", fake::stripe()));
    lh().current_dir(d.path())
        .args(["fix", "--write"])
        .assert()
        .code(0);
    let env = d.read(".env");
    assert!(
        env.starts_with("# local settings\nDEBUG=1\nAPI_KEY=another-value\n"),
        "{env}"
    );
    assert_eq!(env.matches(&fake::stripe()).count(), 1, "{env}");
    assert!(env.contains(&format!("API_KEY_2={}", fake::stripe())));
    assert!(env.contains(&format!("API_KEY_3={}", fake::stripe2())));
    assert!(d.read("a.py").contains("os.environ[\"API_KEY_2\"]"));
    assert!(d.read("c.py").contains("os.environ[\"API_KEY_2\"]"));
    assert!(d.read("b.py").contains("os.environ[\"API_KEY_3\"]"));
    assert_eq!(
        d.read(".gitignore"),
        "target/\n.env\n",
        "already ignored: unchanged"
    );
}

#[test]
fn what_cannot_be_rewritten_safely_is_listed_and_left_alone() {
    let d = repo();
    let url = format!(
        "URL = \"https://api.example.com/?key={}\"\n",
        fake::stripe()
    );
    d.write("embedded.py", &url);
    d.write("notes.txt", format!("the key is {}\n", fake::stripe2()));
    let out = lh()
        .current_dir(d.path())
        .args(["fix", "--write"])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("embedded.py:1"), "{err}");
    assert!(err.contains("larger string"), "{err}");
    assert!(err.contains("notes.txt:1"), "{err}");
    assert!(!err.contains(&fake::stripe()));
    assert_eq!(d.read("embedded.py"), url);
    assert!(!d.join(".env").exists());

    // A tracked .env would commit the values: refused.
    let t = repo();
    t.write(".env", "DEBUG=1\n");
    t.write("a.py", format!("API_KEY = \"{}\"\n", fake::stripe()));
    t.commit_all("env");
    let out = lh()
        .current_dir(t.path())
        .args(["fix", "--write"])
        .assert()
        .code(1);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains(".env is tracked"));
    assert_eq!(t.read(".env"), "DEBUG=1\n");

    // Outside any repository there is no .env to move the value to.
    let plain = Dir::new();
    plain.write("a.py", format!("API_KEY = \"{}\"\n", fake::stripe()));
    let out = lh()
        .current_dir(plain.path())
        .env("GIT_CEILING_DIRECTORIES", plain.path().parent().unwrap())
        .args(["fix", "--write"])
        .assert()
        .code(1);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("not in a git repository"));
    assert!(!plain.join(".env").exists());
}

#[test]
fn nothing_found_is_nothing_to_fix() {
    let d = repo();
    d.write("a.py", "API_KEY = os.environ[\"API_KEY\"]\n");
    lh().current_dir(d.path()).args(["fix"]).assert().code(0);
}

#[test]
fn the_diff_masks_every_secret_of_the_file_not_only_the_rewritten_ones() {
    let d = repo();
    // The second key is inside a larger string: left manual, but shown as context.
    d.write(
        "app.py",
        format!(
            "API_KEY = \"{}\"\nURL = \"https://x.invalid/?k={}\"\n",
            fake::stripe(),
            fake::stripe2()
        ),
    );
    let out = lh().current_dir(d.path()).args(["fix"]).assert().code(1);
    let all = [
        out.get_output().stdout.clone(),
        out.get_output().stderr.clone(),
    ]
    .concat();
    let all = String::from_utf8_lossy(&all);
    assert!(all.contains("+API_KEY = os.environ[\"API_KEY\"]"), "{all}");
    for s in [fake::stripe(), fake::stripe2()] {
        assert!(!all.contains(&s), "a secret in the output:\n{all}");
    }
}

#[test]
fn an_unreadable_env_is_never_overwritten() {
    let d = repo();
    d.write(".env", b"LATIN1=caf\xe9\n".as_slice());
    d.write("a.py", format!("API_KEY = \"{}\"\n", fake::stripe()));
    lh().current_dir(d.path())
        .args(["fix", "--write"])
        .assert()
        .code(2);
    assert_eq!(std::fs::read(d.join(".env")).unwrap(), b"LATIN1=caf\xe9\n");
    assert!(d.read("a.py").contains(&fake::stripe()));
}

#[test]
fn a_compose_file_at_the_root_reads_the_value_from_env() {
    let text = format!(
        "services:\n  app:\n    image: app:1\n    environment:\n      - STRIPE_API_KEY={}\n",
        fake::stripe()
    );
    let (d, _) = fix_one(
        "docker-compose.yml",
        &text,
        "      - STRIPE_API_KEY=${STRIPE_API_KEY}",
    );
    // Elsewhere Compose would not find the root's .env: left for a person.
    d.write(
        "deploy/compose.yaml",
        format!("x:\n  token: \"{}\"\n", fake::stripe2()),
    );
    let out = lh()
        .current_dir(d.path())
        .args(["fix", "--write"])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("deploy/compose.yaml:2") && err.contains("own directory"),
        "{err}"
    );
    assert!(d.read("deploy/compose.yaml").contains(&fake::stripe2()));
}

#[test]
fn a_closed_stdout_ends_the_diff_not_the_fix() {
    let d = repo();
    // A diff larger than a pipe's buffer, so the writer meets the closed pipe.
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&format!("KEY_{i} = \"{}\"\n", fake::stripe()));
    }
    d.write("app.py", &text);
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' fix --write | head -1 > /dev/null",
            env!("CARGO_BIN_EXE_leakhound")
        ))
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(d.read("app.py").contains("os.environ[\"KEY_2999\"]"));
    assert!(d.read(".env").contains(&fake::stripe()));
}
