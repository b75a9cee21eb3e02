//! False-positive control, by role: the value gates (`gates`), default and stock passwords
//! (`defaults`), the dictionary test (`dictionary`), path classes (`paths`), example values of API specifications (`spec`) and
//! credentials the providers publish (`known`).

pub mod defaults;
pub mod dictionary;
pub mod gates;
pub mod known;
pub mod markers;
pub mod paths;
pub mod spec;

pub use defaults::{is_default_password, is_stock_default};
pub use dictionary::{is_word, word_coverage};
pub use gates::{is_placeholder, looks_like_code, looks_like_password, looks_random};
pub use known::is_known_public;
pub use paths::{file_class, is_config_path, is_named_dummy, is_test_path, FileClass};
pub use spec::in_spec_example;
