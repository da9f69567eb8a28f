//! Which CRM wrote an export and which object it holds, from its header row (the CRM formats
//! note, section 0 and sections 1.1, 2.1, 3.1):
//!
//! - **HubSpot** names columns by property label and puts `Record ID` first: `Deal Name` means
//!   deals, `First Name`/`Email` contacts, `Company name` companies, and the engagement labels
//!   (`Call notes`, `Note body`, `Meeting name`, `Email subject`, `Task title`) activities.
//! - **Salesforce** Data Loader and the weekly Data Export use API names (`Id`, `StageName`,
//!   `WhatId`..., any case: Data Loader can write them upper-case); report exports use labels
//!   (`Opportunity Name`, `Stage`, `Close Date`; ids as `Opportunity ID`, `Contact ID`...).
//! - **Pipedrive** writes `Entity - Field` (`Deal - Title`, `Person - Name`, `Activity - Subject`).
//!
//! Headers in another language (a Spanish HubSpot portal, a Czech Pipedrive account) match none
//! of these: the import then needs the CRM named and a mapping file that lists the headers.

use std::fmt;

/// The CRMs whose exports Rekindle reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Crm {
    HubSpot,
    Salesforce,
    Pipedrive,
}

impl Crm {
    /// `hubspot`, `salesforce`, `pipedrive`: the name kept with each imported record's id.
    pub fn as_str(self) -> &'static str {
        match self {
            Crm::HubSpot => "hubspot",
            Crm::Salesforce => "salesforce",
            Crm::Pipedrive => "pipedrive",
        }
    }

    /// Reads a CRM's name, any case.
    ///
    /// Errors: names none of the three.
    pub fn parse(s: &str) -> Result<Crm, String> {
        match s.trim().to_lowercase().as_str() {
            "hubspot" => Ok(Crm::HubSpot),
            "salesforce" | "sfdc" => Ok(Crm::Salesforce),
            "pipedrive" => Ok(Crm::Pipedrive),
            other => Err(format!("{other:?} is not hubspot, salesforce or pipedrive")),
        }
    }
}

impl fmt::Display for Crm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one export file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Object {
    /// Deals (HubSpot, Pipedrive), opportunities (Salesforce).
    Deals,
    /// Contacts (HubSpot, Salesforce), persons (Pipedrive).
    Contacts,
    /// Companies (HubSpot), accounts (Salesforce), organizations (Pipedrive).
    Companies,
    /// Calls, emails, meetings, notes and tasks (Salesforce tasks and events, Pipedrive
    /// activities and notes).
    Activities,
}

impl Object {
    /// `n` records of the object in words: `1 deal`, `3 deals`.
    pub fn count(self, n: usize) -> String {
        let one = match self {
            Object::Deals => "deal",
            Object::Contacts => "contact",
            Object::Companies => "company",
            Object::Activities => "activity",
        };
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {}", self.as_str())
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Object::Deals => "deals",
            Object::Contacts => "contacts",
            Object::Companies => "companies",
            Object::Activities => "activities",
        }
    }
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn has(headers: &[String], name: &str) -> bool {
    headers.iter().any(|h| h.eq_ignore_ascii_case(name))
}

fn any(headers: &[String], names: &[&str]) -> bool {
    names.iter().any(|n| has(headers, n))
}

/// The Pipedrive entity prefixes (`Deal - `...).
const PIPEDRIVE_ENTITIES: &[(&str, Option<Object>)] = &[
    ("Deal - ", Some(Object::Deals)),
    ("Person - ", Some(Object::Contacts)),
    ("Organization - ", Some(Object::Companies)),
    ("Activity - ", Some(Object::Activities)),
    ("Note - ", Some(Object::Activities)),
    ("Lead - ", None),
    ("Product - ", None),
];

fn pipedrive_entity(h: &str) -> Option<Option<Object>> {
    PIPEDRIVE_ENTITIES.iter().find_map(|(prefix, object)| {
        (h.len() > prefix.len() && h[..prefix.len()].eq_ignore_ascii_case(prefix))
            .then_some(*object)
    })
}

/// The object of a file in a known CRM's headers, if they say.
pub fn object_of(crm: Crm, headers: &[String]) -> Option<Object> {
    match crm {
        Crm::HubSpot => {
            if any(headers, &["Deal Name", "Deal Stage"]) {
                Some(Object::Deals)
            } else if any(
                headers,
                &[
                    "Call notes",
                    "Call Title",
                    "Note body",
                    "Meeting name",
                    "Email subject",
                    "Task title",
                    "Activity date",
                ],
            ) {
                Some(Object::Activities)
            } else if any(headers, &["First Name", "Last Name", "Email"]) {
                Some(Object::Contacts)
            } else if any(headers, &["Company name", "Company Domain Name"]) {
                Some(Object::Companies)
            } else {
                None
            }
        }
        Crm::Salesforce => {
            if any(headers, &["StageName", "Opportunity Name", "Stage"]) {
                Some(Object::Deals)
            } else if any(
                headers,
                &[
                    "WhatId",
                    "WhoId",
                    "ActivityDate",
                    "ActivityDateTime",
                    "Related To",
                    "Due Date",
                ],
            ) {
                Some(Object::Activities)
            } else if any(
                headers,
                &["LastName", "FirstName", "Email", "Last Name", "First Name"],
            ) {
                Some(Object::Contacts)
            } else if any(headers, &["Name", "Account Name"]) {
                Some(Object::Companies)
            } else {
                None
            }
        }
        Crm::Pipedrive => {
            // The entity of the ID column, else the entity most columns belong to.
            for (prefix, object) in PIPEDRIVE_ENTITIES {
                if object.is_some() && has(headers, &format!("{prefix}ID")) {
                    return *object;
                }
            }
            let mut counts: Vec<(Object, usize)> = Vec::new();
            for object in headers.iter().filter_map(|h| pipedrive_entity(h)).flatten() {
                match counts.iter_mut().find(|(o, _)| *o == object) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((object, 1)),
                }
            }
            counts.into_iter().max_by_key(|(_, n)| *n).map(|(o, _)| o)
        }
    }
}

/// The CRM a header set comes from, when it says.
pub fn crm_of(headers: &[String]) -> Option<Crm> {
    if has(headers, "Record ID") {
        return Some(Crm::HubSpot);
    }
    let salesforce_api = [
        "Id",
        "StageName",
        "CloseDate",
        "WhatId",
        "WhoId",
        "ActivityDate",
        "IsClosed",
        "AccountId",
    ];
    // A report export's id columns are labelled by object ("Contact ID"), HubSpot's by
    // "Record ID" and Pipedrive's by "Entity - ID".
    let salesforce_report_ids = [
        "Opportunity ID",
        "Contact ID",
        "Account ID",
        "Activity ID",
        "Lead ID",
    ];
    if any(headers, &salesforce_api)
        || any(headers, &salesforce_report_ids)
        || (has(headers, "Opportunity Name") && has(headers, "Stage") && has(headers, "Close Date"))
    {
        return Some(Crm::Salesforce);
    }
    let entity = headers
        .iter()
        .filter(|h| pipedrive_entity(h).is_some())
        .count();
    (entity * 2 > headers.len() && entity > 0).then_some(Crm::Pipedrive)
}

/// Which CRM (unless `given`) and which object a file's headers are.
///
/// Errors: the headers match no CRM, or no object of the CRM: the text lists the headers seen
/// (at most 12) and what each CRM's exports start with.
pub fn detect(headers: &[String], given: Option<Crm>) -> Result<(Crm, Object), String> {
    let crm = match given.or_else(|| crm_of(headers)) {
        Some(c) => c,
        None => {
            return Err(format!(
                "the headers ({}) are not a HubSpot, Salesforce or Pipedrive export: HubSpot's have \"Record ID\" and property labels (\"Deal Name\", \"First Name\"), Salesforce's API names (\"Id\", \"StageName\", \"WhatId\") or report labels (\"Opportunity Name\", \"Stage\", \"Close Date\"), Pipedrive's \"Entity - Field\" (\"Deal - Title\", \"Person - Name\"); name the CRM and map headers in another language with a mapping file",
                shown(headers)
            ));
        }
    };
    match object_of(crm, headers) {
        Some(o) => Ok((crm, o)),
        None => Err(format!(
            "the headers ({}) are not a {crm} export of deals, contacts, companies or activities",
            shown(headers)
        )),
    }
}

fn shown(headers: &[String]) -> String {
    let mut list: Vec<String> = headers
        .iter()
        .take(12)
        .map(|h| match h.char_indices().nth(40) {
            Some((cut, _)) => format!("{:?}...", &h[..cut]),
            None => format!("{h:?}"),
        })
        .collect();
    if headers.len() > 12 {
        list.push(format!("and {} more", headers.len() - 12));
    }
    list.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(line: &str, sep: char) -> Vec<String> {
        line.split(sep)
            .map(|s| s.trim_matches('"').to_string())
            .collect()
    }

    #[test]
    fn each_crm_s_header_sets_are_told_apart() {
        let hubspot_deals = h(
            r#""Record ID","Deal Name","Deal Stage","Pipeline","Amount","Close Date","Deal owner""#,
            ',',
        );
        assert_eq!(
            detect(&hubspot_deals, None),
            Ok((Crm::HubSpot, Object::Deals))
        );
        let hubspot_contacts = h(
            "Record ID,First Name,Last Name,Email,Phone Number,Contact owner,Primary Associated Company ID",
            ',',
        );
        assert_eq!(
            detect(&hubspot_contacts, None),
            Ok((Crm::HubSpot, Object::Contacts))
        );
        let hubspot_companies = h(
            r#""Record ID","Company name","Company owner","Create Date""#,
            ',',
        );
        assert_eq!(
            detect(&hubspot_companies, None),
            Ok((Crm::HubSpot, Object::Companies))
        );
        let opportunity = h(
            "Id,IsDeleted,AccountId,Name,Description,StageName,Amount,CloseDate",
            ',',
        );
        assert_eq!(
            detect(&opportunity, None),
            Ok((Crm::Salesforce, Object::Deals))
        );
        let upper = h("ID,ACCOUNTID,NAME,STAGENAME,AMOUNT,CLOSEDATE", ',');
        assert_eq!(detect(&upper, None), Ok((Crm::Salesforce, Object::Deals)));
        let task = h("Id,WhoId,WhatId,Subject,ActivityDate,Status", ',');
        assert_eq!(
            detect(&task, None),
            Ok((Crm::Salesforce, Object::Activities))
        );
        let contact = h("Id,AccountId,LastName,FirstName,Email,Title", ',');
        assert_eq!(
            detect(&contact, None),
            Ok((Crm::Salesforce, Object::Contacts))
        );
        let account = h("Id,Name,Type,Industry,Website", ',');
        assert_eq!(
            detect(&account, None),
            Ok((Crm::Salesforce, Object::Companies))
        );
        let report = h(
            "Opportunity Name,Account Name,Amount,Close Date,Stage,Opportunity Owner",
            ',',
        );
        assert_eq!(detect(&report, None), Ok((Crm::Salesforce, Object::Deals)));
        let pd = h(
            "Deal - ID,Deal - Title,Deal - Owner,Deal - Value,Deal - Currency of Value,Person - Email",
            ',',
        );
        assert_eq!(detect(&pd, None), Ok((Crm::Pipedrive, Object::Deals)));
        let pd_act = h(
            "Activity - ID;Activity - Subject;Activity - Type;Activity - Done",
            ';',
        );
        assert_eq!(
            detect(&pd_act, None),
            Ok((Crm::Pipedrive, Object::Activities))
        );
        let persons = h(
            "Person - ID,Person - Name,Person - Email - Work,Person - Organization",
            ',',
        );
        assert_eq!(
            detect(&persons, None),
            Ok((Crm::Pipedrive, Object::Contacts))
        );
    }

    #[test]
    fn unknown_headers_are_refused_with_what_was_seen_and_expected() {
        let e = detect(&h("Nombre del negocio,Etapa,Importe", ','), None).unwrap_err();
        assert!(e.contains("\"Nombre del negocio\""), "{e}");
        assert!(e.contains("Record ID"), "{e}");
        let e = detect(&h("Record ID,Favourite colour", ','), None).unwrap_err();
        assert!(e.contains("not a hubspot export"), "{e}");
        assert_eq!(Crm::parse("Salesforce"), Ok(Crm::Salesforce));
        assert!(Crm::parse("zoho").is_err());
    }
}
