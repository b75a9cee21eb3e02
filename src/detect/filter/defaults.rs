//! Default and stock passwords: values so common that they are a default, a placeholder or
//! a quick start's, not a choice (`postgres`, `changeme`, `password123`), and the narrower
//! set a service or template ships as its default (`postgres`, `root`, `yourpassword`).

/// Passwords so common that a value equal to one (case-insensitively) is a default or a
/// placeholder, not a chosen secret: these, and the stock defaults below.
const WEAK_PASSWORDS: &[&str] = &[
    // The passwords of official container images' and vendors' quick starts.
    "yourstrong(!)password",
    "thisisdog11",
    "password",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "pa$$word",
    "admin123",
    "hunter2",
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "qwerty",
    "qwerty123",
    "letmein",
    "welcome",
    "testing",
    "test123",
    "password1",
    "password123",
    "secret123",
    "s3cr3t",
    "abc123",
    "iloveyou",
    "monkey",
    "dragon",
    "master",
    "sunshine",
    "trustno1",
    "foobar",
    "raspberry",
];

/// What services and templates ship as their default, or words standing for a value.
const STOCK_DEFAULTS: &[&str] = &[
    "postgres",
    "root",
    "toor",
    "admin",
    "administrator",
    "mysql",
    "redis",
    "guest",
    "test",
    "user",
    "username",
    "pass",
    "passwd",
    "default",
    "example",
    "none",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
    "empty",
    "required",
    "optional",
    "string",
    "value",
    "changeme",
    "change_me",
    "secret",
    "mypassword",
    "yourpassword",
    "mysecretpassword",
    "my-secret-pw",
    "vagrant",
    "docker",
];

/// Values that a service or a template ships as its default, or words standing for a value
/// (`postgres`, `root`, `changeme`, `yourpassword`), ASCII case-insensitively: on a local
/// or documentation host even a tool's credential file holding one is a development setup.
/// (A weak password someone typed, `password` or `hunter22`, is not among them.)
pub fn is_stock_default(value: &[u8]) -> bool {
    std::str::from_utf8(value)
        .is_ok_and(|v| STOCK_DEFAULTS.iter().any(|s| v.eq_ignore_ascii_case(s)))
}

/// Is `value` one of the passwords so common that it is a default, not a choice
/// (`postgres`, `admin`, `changeme`), ASCII case-insensitively?
pub fn is_default_password(value: &[u8]) -> bool {
    let Ok(v) = std::str::from_utf8(value) else {
        return false;
    };
    let lower = v.to_ascii_lowercase();
    if STOCK_DEFAULTS.contains(&lower.as_str()) || WEAK_PASSWORDS.contains(&lower.as_str()) {
        return true;
    }
    // The word `password` or `changeme` with a counter or a symbol tacked on:
    // `password12345`, `Changeme1!`. (Not `Welcome@2023` or `Admin2024`: weak passwords
    // people choose, not placeholders.)
    const STEMS: &[&str] = &[
        "password",
        "passw0rd",
        "p@ssw0rd",
        "p@ssword",
        "pa$$word",
        "changeme",
        "change_me",
        "changeit",
        "secret",
        "test",
        "testing",
        "pass",
        "default",
        // The proverbial example password (`hunter2`, `hunter42`).
        "hunter",
    ];
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || "!@#$%^&*.?_-".contains(c));
    stem.len() < lower.len() && STEMS.contains(&stem)
}
