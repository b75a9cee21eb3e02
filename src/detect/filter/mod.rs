//! False-positive control, by role: the value gates (`gates`), the dictionary test
//! (`dictionary`) and path classes (`paths`).

pub mod dictionary;
pub mod gates;
pub mod paths;

pub use dictionary::{is_word, word_coverage};
pub use gates::{
    is_default_password, is_placeholder, looks_like_code, looks_like_password, looks_random,
};
pub use paths::{file_class, is_config_path, is_test_path, FileClass};
