//! The feature catalogue (PLAYBOOK.md, "Product updates"): what prospects asked for, under one
//! name whatever words they used ("SSO" = "single sign-on" = "SAML login"), so a feature that
//! ships finds every deal that needed it.

use serde::{Deserialize, Serialize};

/// One feature and the words people use for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feature {
    pub name: String,
    pub synonyms: Vec<String>,
}

/// Features by name and synonym.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub features: Vec<Feature>,
}

/// Lower case, words only: "SAML-login!" and "saml login" are the same key.
pub fn key(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

const BUILT_IN: &[(&str, &[&str])] = &[
    (
        "sso",
        &[
            "single sign-on",
            "single sign on",
            "saml",
            "saml login",
            "saml sso",
            "okta login",
            "azure ad login",
            "log in with okta",
        ],
    ),
    ("scim", &["user provisioning", "automatic provisioning"]),
    (
        "api",
        &["rest api", "public api", "integration api", "webhooks"],
    ),
    (
        "mobile app",
        &["ios app", "android app", "mobile", "app for phones"],
    ),
    ("offline mode", &["works offline", "offline access"]),
    ("audit log", &["audit trail", "activity log", "audit logs"]),
    (
        "soc 2",
        &["soc2", "soc 2 report", "soc ii", "security certification"],
    ),
    (
        "eu hosting",
        &["eu data residency", "data in the eu", "european hosting"],
    ),
    ("sap integration", &["sap", "sap connector"]),
    (
        "salesforce integration",
        &["salesforce", "salesforce sync", "sfdc integration"],
    ),
    ("multi-currency", &["multiple currencies", "multi currency"]),
    (
        "role-based access",
        &["rbac", "roles and permissions", "user roles", "permissions"],
    ),
];

impl Catalogue {
    /// The features Rekindle knows out of the box.
    pub fn built_in() -> Catalogue {
        Catalogue {
            features: BUILT_IN
                .iter()
                .map(|(name, synonyms)| Feature {
                    name: name.to_string(),
                    synonyms: synonyms.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
        }
    }

    /// Adds `synonym` to the feature `name` (creating it when new).
    pub fn alias(&mut self, name: &str, synonym: &str) {
        let canonical = self.canonical(name).unwrap_or_else(|| key(name));
        match self.features.iter_mut().find(|f| key(&f.name) == canonical) {
            Some(f) => {
                if !f.synonyms.iter().any(|s| key(s) == key(synonym)) {
                    f.synonyms.push(synonym.to_string());
                }
            }
            None => self.features.push(Feature {
                name: canonical,
                synonyms: vec![synonym.to_string()],
            }),
        }
    }

    /// The catalogue name for what someone called a feature, if the catalogue knows it.
    pub fn canonical(&self, text: &str) -> Option<String> {
        let k = key(text);
        self.features
            .iter()
            .find(|f| key(&f.name) == k || f.synonyms.iter().any(|s| key(s) == k))
            .map(|f| key(&f.name))
    }

    /// The name a needed feature is filed under: the catalogue's, else its own words.
    pub fn file_under(&self, text: &str) -> String {
        self.canonical(text).unwrap_or_else(|| key(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_meet_under_one_name() {
        let c = Catalogue::built_in();
        for said in [
            "SSO",
            "single sign-on",
            "SAML login",
            "Single Sign On",
            "saml",
        ] {
            assert_eq!(c.canonical(said).as_deref(), Some("sso"), "{said}");
        }
        assert_eq!(c.canonical("time travel"), None);
        assert_eq!(c.file_under("Time-Travel!"), "time travel");
        let mut c = c;
        c.alias("SSO", "ping identity login");
        assert_eq!(c.canonical("Ping Identity login").as_deref(), Some("sso"));
        c.alias("gantt charts", "timeline view");
        assert_eq!(
            c.canonical("Timeline View").as_deref(),
            Some("gantt charts")
        );
    }
}
