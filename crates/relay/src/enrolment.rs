//! Enrolment: an operator makes a one-time code for a role and scope (`shouwang-relay enroll`), shown as
//! text, a terminal QR code and a PNG; a device redeems it once at `POST /v1/enrol` for its token. Codes
//! and tokens are stored only as SHA-256 hashes.

use crate::secret;
use crate::store::{Enrolment, Store, StoreError};
use qrcode::render::unicode::Dense1x2;
use qrcode::QrCode;
use shouwang_protocol::{space, InvalidField, Role};
use std::io::Write;

/// Why a code could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EnrolError {
    /// The role, scope or elder do not fit together.
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a code will enrol a device as.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The device's role.
    pub role: Role,
    /// A village code (helper, committee, family) or a township or county code (township).
    pub scope: String,
    /// The elder of a family device; none for other roles.
    pub elder: Option<String>,
    /// The helper a helper's tablet belongs to (the subject id of their `helper` document); only for
    /// helper devices, and optional for them (a shared tablet names none).
    pub helper: Option<String>,
    /// The key id (32 lowercase hex digits) of the key bundle handed over with the code, copied to the
    /// device: any role, optional.
    pub label: Option<String>,
}

impl Grant {
    /// Checks that the scope fits the role, that exactly family devices name an elder and that only
    /// helper devices name a helper.
    pub fn validate(&self) -> Result<(), InvalidField> {
        let scope_ok = match self.role {
            Role::Township => space::prefix(&self.scope).is_some() && !space::is_village(&self.scope),
            _ => space::is_village(&self.scope),
        };
        if !scope_ok {
            let reason = if self.role == Role::Township {
                "a township device needs a 12-digit code ending in zero groups"
            } else {
                "must be a 12-digit village code"
            };
            return Err(InvalidField { field: "scope".into(), reason });
        }
        match (&self.elder, self.role) {
            (Some(elder), Role::Family) => {
                let doc = shouwang_protocol::DocRef { elder: elder.clone(), kind: "family".into() };
                doc.validate()
            }
            (None, Role::Family) => {
                Err(InvalidField { field: "elder".into(), reason: "a family device needs its elder" })
            }
            (Some(_), _) => {
                Err(InvalidField { field: "elder".into(), reason: "only family devices name an elder" })
            }
            (None, _) => Ok(()),
        }?;
        match (&self.helper, self.role) {
            (Some(helper), Role::Helper) => {
                shouwang_protocol::DocRef { elder: helper.clone(), kind: "helper".into() }.validate().map_err(
                    |_| InvalidField { field: "helper".into(), reason: "must be 32 lowercase hex digits" },
                )
            }
            (Some(_), _) => {
                Err(InvalidField { field: "helper".into(), reason: "only helper devices name a helper" })
            }
            (None, _) => Ok(()),
        }?;
        match &self.label {
            Some(label) if !is_key_id(label) => Err(InvalidField {
                field: "label".into(),
                reason: "must be 32 lowercase hex digits (a key id)",
            }),
            _ => Ok(()),
        }
    }
}

fn is_key_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Makes and stores a one-time code, valid for `valid_hours`; returns the code.
pub fn create(store: &dyn Store, grant: &Grant, valid_hours: u32, now: i64) -> Result<String, EnrolError> {
    grant.validate()?;
    let code = secret::new_code();
    store.add_enrolment(&Enrolment {
        code_hash: secret::hash(&code),
        role: grant.role,
        scope: grant.scope.clone(),
        elder: grant.elder.clone(),
        helper: grant.helper.clone(),
        label: grant.label.clone(),
        created_at: now,
        expires_at: now + i64::from(valid_hours) * 3600,
    })?;
    Ok(code)
}

/// What the QR code holds: `shouwang://enrol?relay=<url>&code=<code>`.
pub fn qr_payload(relay_url: &str, code: &str) -> String {
    format!("shouwang://enrol?relay={relay_url}&code={code}")
}

/// The payload as a QR code drawn with Unicode half blocks, for a terminal.
pub fn qr_terminal(payload: &str) -> Result<String, qrcode::types::QrError> {
    let qr = QrCode::new(payload.as_bytes())?;
    Ok(qr.render::<Dense1x2>().dark_color(Dense1x2::Light).light_color(Dense1x2::Dark).build())
}

/// The payload as a grayscale PNG, 8 pixels per module with a 4-module quiet zone.
pub fn qr_png(payload: &str, out: impl Write) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    const SCALE: usize = 8;
    const QUIET: usize = 4;
    let qr = QrCode::new(payload.as_bytes())?;
    let modules = qr.width();
    let colors = qr.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
            for y in my * SCALE..(my + 1) * SCALE {
                pixels[y * side + mx * SCALE..y * side + (mx + 1) * SCALE].fill(0);
            }
        }
    }
    let mut encoder = png::Encoder::new(out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&pixels)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_fit_role_to_scope() {
        let elder = Some("a".repeat(32));
        let cases = [
            (Role::Helper, "511902106202", None, true),
            (Role::Helper, "511902106000", None, false),
            (Role::Township, "511902106000", None, true),
            (Role::Township, "511902106202", None, false),
            (Role::Township, "000000000000", None, false),
            (Role::Family, "511902106202", elder.clone(), true),
            (Role::Family, "511902106202", None, false),
            (Role::Committee, "511902106202", elder, false),
        ];
        for (role, scope, elder, ok) in cases {
            let grant = Grant { role, scope: scope.into(), elder, helper: None, label: None };
            assert_eq!(grant.validate().is_ok(), ok, "{grant:?}");
        }
    }

    #[test]
    fn only_a_helper_device_names_its_helper() {
        let village = "511902106202".to_string();
        let helper = Some("b".repeat(32));
        let grant = |role, elder: Option<String>, helper: Option<String>| Grant {
            role,
            scope: village.clone(),
            elder,
            helper,
            label: None,
        };
        assert!(grant(Role::Helper, None, helper.clone()).validate().is_ok());
        assert!(grant(Role::Helper, None, None).validate().is_ok());
        let refused = grant(Role::Helper, None, Some("B1".into())).validate().unwrap_err();
        assert_eq!(refused.field, "helper");
        let refused = grant(Role::Committee, None, helper.clone()).validate().unwrap_err();
        assert_eq!(refused.field, "helper");
        let refused = grant(Role::Family, Some("a".repeat(32)), helper).validate().unwrap_err();
        assert_eq!(refused.field, "helper");
    }

    #[test]
    fn the_qr_code_renders_for_a_terminal_and_as_a_png() {
        let payload = qr_payload("http://127.0.0.1:8787", "ABCDEFGHJK");
        assert!(qr_terminal(&payload).unwrap().contains('▀'));
        let mut png = Vec::new();
        qr_png(&payload, &mut png).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn a_label_is_a_key_id() {
        let grant = |label: &str| Grant {
            role: Role::Helper,
            scope: "511902106202".into(),
            elder: None,
            helper: None,
            label: Some(label.into()),
        };
        assert!(grant(&"0f".repeat(16)).validate().is_ok());
        for bad in ["", "0F0F", &"0F".repeat(16), &"x".repeat(32)] {
            assert_eq!(grant(bad).validate().unwrap_err().field, "label", "{bad}");
        }
    }
}
