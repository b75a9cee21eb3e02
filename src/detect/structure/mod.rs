//! Credential files by structure: where a well-known file keeps its secret.
//!
//! A `.pgpass` line's fifth field, a `.netrc` `password` token, the `auth` of a Docker
//! `config.json` registry, the `<password>` of a Maven `<server>`: in such positions a value
//! is a credential whatever it looks like, a weak human password or a UUID included, and
//! only the file's structure says so. Each format is an [`Extractor`] in a file of its own
//! here; a rule names it (`structure = "pgpass"` in `rules/*.toml`) and the matcher runs it
//! on the files it [`applies`](Extractor::applies) to. Its [`Field`]s pass the structural
//! gate (`matcher::resolve::judge_field`): placeholders, references and defaults are
//! dropped, but no randomness or dictionary test applies.
//!
//! A new format: one file implementing [`Extractor`], one line in [`REGISTRY`], one rule.

pub mod assign;
pub mod aws_credentials;
pub mod azure_cli;
pub mod cargo_credentials;
pub mod common;
pub mod composer_auth;
pub mod dbeaver;
pub mod docker_config;
pub mod field;
pub mod filezilla;
pub mod frameworks;
pub mod gcp_service_account;
pub mod gem_credentials;
pub mod gh_hosts;
pub mod git_config;
pub mod git_credentials;
pub mod hcl;
pub mod htpasswd;
pub mod image_config;
pub mod jetbrains;
pub mod json;
pub mod k8s_secret;
pub mod kubeconfig;
pub mod lines_common;
pub mod mail_clients;
pub mod maven_settings;
pub mod mycnf;
pub mod netrc;
pub mod networkmanager;
pub mod npmrc;
pub mod openvpn;
pub mod pem;
pub mod pgpass;
pub mod putty_ppk;
pub mod pypirc;
pub mod rails_master_key;
pub mod robo3t;
pub mod s3cfg_boto;
pub mod sftp_json;
pub mod terraform_state;
pub mod terraformrc;
#[cfg(test)]
pub mod testing;
pub mod text;
pub mod tfvars;
pub mod vault_token;
pub mod winscp;
pub mod wireguard;
pub mod wpa_supplicant;
pub mod xml;
pub mod yaml;
pub mod yarnrc;

pub use field::{Extractor, Field, FieldKind};

/// Every extractor, by the name rules use.
pub static REGISTRY: &[(&str, &dyn Extractor)] = &[
    ("generic-password", &assign::PASSWORDS),
    ("generic-secret", &assign::SECRETS),
    ("pem-private-key", &pem::PLAIN),
    ("pem-encrypted-private-key", &pem::ENCRYPTED),
    ("wordpress", &frameworks::WordPress),
    ("django", &frameworks::Django),
    ("aws-credentials", &aws_credentials::AwsCredentials),
    ("cargo-credentials", &cargo_credentials::CargoCredentials),
    ("gem-credentials", &gem_credentials::GemCredentials),
    ("git-config", &git_config::GitConfig),
    ("git-credentials", &git_credentials::GitCredentials),
    ("htpasswd", &htpasswd::Htpasswd),
    ("mail-clients", &mail_clients::MailClients),
    ("mysql-cnf", &mycnf::MyCnf),
    ("netrc", &netrc::Netrc),
    ("networkmanager", &networkmanager::NetworkManager),
    ("npmrc", &npmrc::Npmrc),
    ("openvpn", &openvpn::OpenVpn),
    ("pgpass", &pgpass::Pgpass),
    ("putty-ppk", &putty_ppk::PuttyPpk),
    ("pypirc", &pypirc::Pypirc),
    ("rails-master-key", &rails_master_key::RailsMasterKey),
    ("s3cmd-boto", &s3cfg_boto::S3cfgBoto),
    ("shadow", &htpasswd::Shadow),
    ("vault-token", &vault_token::VaultToken),
    ("winscp", &winscp::WinScp),
    ("wireguard", &wireguard::WireGuard),
    ("wpa-supplicant", &wpa_supplicant::WpaSupplicant),
    ("docker-config", &docker_config::DockerConfig),
    ("composer-auth", &composer_auth::ComposerAuth),
    ("vscode-sftp", &sftp_json::VsCodeSftp),
    ("sublime-sftp", &sftp_json::SublimeSftp),
    ("atom-ftp", &sftp_json::AtomFtp),
    ("filezilla", &filezilla::FileZilla),
    ("maven-settings", &maven_settings::MavenSettings),
    ("kubeconfig", &kubeconfig::Kubeconfig),
    ("kubernetes-secret", &k8s_secret::K8sSecret),
    ("image-config", &image_config::ImageConfig),
    ("terraform-state", &terraform_state::TerraformState),
    ("terraform-tfvars", &tfvars::TerraformTfvars),
    ("gcloud", &gcp_service_account::GcpServiceAccount),
    ("gh-hub", &gh_hosts::GhHosts),
    ("yarnrc", &yarnrc::Yarnrc),
    ("azure-cli", &azure_cli::AzureCli),
    ("terraformrc", &terraformrc::Terraformrc),
    ("jetbrains", &jetbrains::JetBrains),
    ("robo3t", &robo3t::Robo3t),
    ("dbeaver", &dbeaver::DBeaver),
];

/// The extractor a rule names.
pub fn get(name: &str) -> Option<&'static dyn Extractor> {
    REGISTRY.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
}

/// Every rule of `rules` names a known structure; the error names the rule and its file.
pub fn check_names(rules: &crate::rules::RuleSet) -> Result<(), String> {
    for r in &rules.rules {
        if let Some(name) = r.structure.as_deref().filter(|n| get(n).is_none()) {
            let known: Vec<&str> = REGISTRY.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "{}: rule {:?}: unknown structure {name:?} (known: {})",
                r.origin,
                r.id,
                known.join(", ")
            ));
        }
    }
    Ok(())
}
