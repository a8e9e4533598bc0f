//! Watchlist rules as data: TOML files compiled into the binary (`rules/*.toml`) and
//! added at run time with `--rules FILE`. A bad file is an error at start-up that names
//! the file and the rule, never a silent no-op.

use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use super::Confidence;
use crate::observe::Protocol;

/// The watchlists compiled in: (name, TOML text).
pub const BUILT_IN: [(&str, &str); 2] = [
    ("tp-link", include_str!("rules/tp-link.toml")),
    ("fcc-covered", include_str!("rules/fcc-covered.toml")),
];

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{origin}: {source}")]
    Toml { origin: String, source: toml::de::Error },
    #[error("{origin}: rule {rule:?}: {reason}")]
    Rule { origin: String, rule: String, reason: String },
    #[error("{origin}: {source}")]
    Io { origin: String, source: std::io::Error },
    #[error("unknown watchlist {0:?} (built in: tp-link, fcc-covered; or give --rules FILE)")]
    UnknownWatchlist(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    name: String,
    title: Option<String>,
    brand: Option<String>,
    #[serde(default)]
    vendor: Vec<VendorSpec>,
    #[serde(default)]
    rule: Vec<RuleSpec>,
    #[serde(default)]
    brand_line: Vec<BrandLineSpec>,
    #[serde(default)]
    risk: Vec<RiskSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VendorSpec {
    pattern: String,
    brand: String,
    confidence: Confidence,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    field: String,
    pattern: String,
    confidence: Confidence,
    brand: Option<String>,
    from: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandLineSpec {
    pattern: String,
    brand: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RiskSpec {
    id: String,
    title: String,
    /// A known-exploited model: matched on the device's identified model.
    model: Option<String>,
    /// A sign of compromise: a device field (as in rules) and a pattern.
    field: Option<String>,
    pattern: Option<String>,
}

/// What a rule looks at on a device.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Field {
    Vendor,
    Hostname,
    Model,
    Firmware,
    DnsQuery,
    Service,
    Role,
    Attr { protocol: Protocol, key: String },
}

impl Field {
    fn parse(s: &str) -> Option<Field> {
        Some(match s {
            "vendor" => Field::Vendor,
            "hostname" => Field::Hostname,
            "model" => Field::Model,
            "firmware" => Field::Firmware,
            "dns_query" => Field::DnsQuery,
            "service" => Field::Service,
            "role" => Field::Role,
            other => {
                let (proto, key) = other.split_once('.')?;
                let protocol = protocol_named(proto)?;
                if key.is_empty() {
                    return None;
                }
                Field::Attr { protocol, key: key.to_string() }
            }
        })
    }

    pub fn name(&self) -> String {
        match self {
            Field::Vendor => "vendor".into(),
            Field::Hostname => "hostname".into(),
            Field::Model => "model".into(),
            Field::Firmware => "firmware".into(),
            Field::DnsQuery => "dns_query".into(),
            Field::Service => "service".into(),
            Field::Role => "role".into(),
            Field::Attr { protocol, key } => format!("{}.{key}", protocol.name()),
        }
    }
}

fn protocol_named(s: &str) -> Option<Protocol> {
    Protocol::ALL.into_iter().find(|p| p.name() == s)
}

#[derive(Clone, Debug)]
pub struct VendorRule {
    pub pattern: Regex,
    pub brand: String,
    pub confidence: Confidence,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub field: Field,
    pub pattern: Regex,
    pub confidence: Confidence,
    pub brand: Option<String>,
    /// Only facts first told by these protocols (empty: any).
    pub from: Vec<Protocol>,
}

#[derive(Clone, Debug)]
pub enum RiskMatch {
    Model(Regex),
    Indicator { field: Field, pattern: Regex },
}

#[derive(Clone, Debug)]
pub struct Risk {
    pub id: String,
    pub title: String,
    pub matches: RiskMatch,
}

#[derive(Clone, Debug)]
pub struct Watchlist {
    pub name: String,
    pub title: String,
    /// The brand reported when no evidence names a more specific one.
    pub brand: String,
    pub vendors: Vec<VendorRule>,
    pub rules: Vec<Rule>,
    pub brand_lines: Vec<(Regex, String)>,
    pub risks: Vec<Risk>,
}

fn regex(origin: &str, rule: &str, pattern: &str) -> Result<Regex, RulesError> {
    // Bounded compiled size: a hostile or careless pattern fails here, not at match time.
    regex::RegexBuilder::new(pattern).size_limit(1 << 20).build().map_err(|e| RulesError::Rule {
        origin: origin.to_string(),
        rule: rule.to_string(),
        reason: format!("bad pattern: {e}"),
    })
}

/// Parses and validates one rules file. `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<Watchlist, RulesError> {
    let spec: FileSpec = toml::from_str(text).map_err(|source| RulesError::Toml { origin: origin.into(), source })?;
    let bad = |rule: &str, reason: String| RulesError::Rule { origin: origin.into(), rule: rule.into(), reason };
    if spec.name.trim().is_empty() {
        return Err(bad("name", "the watchlist needs a name".into()));
    }
    let mut rules: Vec<Rule> = Vec::new();
    for r in spec.rule {
        let field = Field::parse(&r.field).ok_or_else(|| {
            bad(&r.id, format!("unknown field {:?} (hostname, model, firmware, dns_query, service, role, vendor, or <protocol>.<attribute>)", r.field))
        })?;
        let mut from = Vec::new();
        for p in r.from.unwrap_or_default() {
            from.push(protocol_named(&p).ok_or_else(|| bad(&r.id, format!("unknown protocol {p:?} in `from`")))?);
        }
        if rules.iter().any(|x| x.id == r.id) {
            return Err(bad(&r.id, "duplicate rule id".into()));
        }
        rules.push(Rule { pattern: regex(origin, &r.id, &r.pattern)?, id: r.id, field, confidence: r.confidence, brand: r.brand, from });
    }
    let vendors = spec
        .vendor
        .into_iter()
        .map(|v| Ok(VendorRule { pattern: regex(origin, "vendor", &v.pattern)?, brand: v.brand, confidence: v.confidence }))
        .collect::<Result<_, RulesError>>()?;
    let brand_lines = spec
        .brand_line
        .into_iter()
        .map(|b| Ok((regex(origin, "brand_line", &b.pattern)?, b.brand)))
        .collect::<Result<_, RulesError>>()?;
    let mut risks = Vec::new();
    for r in spec.risk {
        let matches = match (&r.model, &r.field, &r.pattern) {
            (Some(m), None, None) => RiskMatch::Model(regex(origin, &r.id, m)?),
            (None, Some(f), Some(p)) => RiskMatch::Indicator {
                field: Field::parse(f).ok_or_else(|| bad(&r.id, format!("unknown field {f:?}")))?,
                pattern: regex(origin, &r.id, p)?,
            },
            _ => return Err(bad(&r.id, "a risk needs either `model`, or `field` and `pattern`".into())),
        };
        risks.push(Risk { id: r.id, title: r.title, matches });
    }
    Ok(Watchlist {
        title: spec.title.unwrap_or_else(|| spec.name.clone()),
        brand: spec.brand.unwrap_or_else(|| spec.name.clone()),
        name: spec.name,
        vendors,
        rules,
        brand_lines,
        risks,
    })
}

impl Watchlist {
    /// Merges `other` (same name) into this list: rules with the same id replace ours,
    /// everything else is added (user entries first, so they win ties).
    pub fn merge(&mut self, other: Watchlist) {
        for r in other.rules {
            match self.rules.iter_mut().find(|x| x.id == r.id) {
                Some(x) => *x = r,
                None => self.rules.push(r),
            }
        }
        let mut v = other.vendors;
        v.append(&mut self.vendors);
        self.vendors = v;
        let mut b = other.brand_lines;
        b.append(&mut self.brand_lines);
        self.brand_lines = b;
        for r in other.risks {
            match self.risks.iter_mut().find(|x| x.id == r.id) {
                Some(x) => *x = r,
                None => self.risks.push(r),
            }
        }
    }
}

/// Builds the active watchlists: the built-in ones named in `enabled`, then every file
/// in `files` (merged into the list of the same name, or added as a new list).
pub fn load(enabled: &[String], files: &[&Path]) -> Result<Vec<Watchlist>, RulesError> {
    let mut lists = Vec::new();
    for name in enabled {
        let (_, text) = BUILT_IN.iter().find(|(n, _)| n == name).ok_or_else(|| RulesError::UnknownWatchlist(name.clone()))?;
        lists.push(parse(text, &format!("built-in rules {name}"))?);
    }
    for f in files {
        let origin = f.display().to_string();
        let text = std::fs::read_to_string(f).map_err(|source| RulesError::Io { origin: origin.clone(), source })?;
        let w = parse(&text, &origin)?;
        match lists.iter_mut().find(|l: &&mut Watchlist| l.name == w.name) {
            Some(existing) => existing.merge(w),
            None => lists.push(w),
        }
    }
    Ok(lists)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_rules_are_valid() {
        for (name, text) in BUILT_IN {
            let w = parse(text, name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(w.name, name);
            assert!(!w.vendors.is_empty() && !w.rules.is_empty() && !w.brand_lines.is_empty());
        }
        let tp = parse(BUILT_IN[0].1, "t").unwrap();
        assert_eq!(tp.risks.len(), 10);
    }

    #[test]
    fn bad_files_are_clear_errors() {
        let e = parse("name = 'x'\n[[rule]]\nid='r1'\nfield='nonsense'\npattern='.'\nconfidence='high'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("f.toml") && e.to_string().contains("r1") && e.to_string().contains("unknown field"), "{e}");
        let e = parse("name = 'x'\n[[rule]]\nid='r2'\nfield='hostname'\npattern='('\nconfidence='high'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("bad pattern"), "{e}");
        let e = parse("name = 'x'\n[[rule]]\nid='r3'\nfield='hostname'\npattern='a'\nconfidence='certain'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("f.toml"), "{e}");
        let e = parse("name = 'x'\nfoo = 1\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("foo"), "{e}");
        let e = parse("name = 'x'\n[[rule]]\nid='r4'\nfield='nosuchproto.key'\npattern='a'\nconfidence='low'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
        assert!(matches!(load(&["nope".into()], &[]), Err(RulesError::UnknownWatchlist(_))));
        let e = parse("name = 'x'\n[[risk]]\nid='k'\ntitle='t'\nmodel='a'\nfield='hostname'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("either"), "{e}");
    }

    #[test]
    fn user_rules_merge_by_name_and_id() {
        let mut base = parse(BUILT_IN[0].1, "t").unwrap();
        let n = base.rules.len();
        let user = parse(
            "name='tp-link'\n[[rule]]\nid='hostname-word'\nfield='hostname'\npattern='(?i)tplink'\nconfidence='medium'\n\
             [[rule]]\nid='mine'\nfield='ssdp.server'\npattern='X'\nconfidence='high'\n",
            "u",
        )
        .unwrap();
        base.merge(user);
        assert_eq!(base.rules.len(), n + 1);
        assert_eq!(base.rules.iter().find(|r| r.id == "hostname-word").unwrap().confidence, Confidence::Medium);
    }
}
