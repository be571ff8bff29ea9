//! The contact cards 明白卡 as printable HTML (core's layout), each with a QR code carrying a fresh
//! family enrolment code when the relay answers. A card holds no ID number and no health data: core
//! builds it from the organisation, the helper and the elder's name and address only.

use crate::dto::{count, CardPaper, CardQuery, PrintedCards};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::parse;
use crate::state::AppState;
use shouwang_core::card::{ContactCard, Enrolment};
use tauri::State;

/// Why no card has a code, in both languages.
fn no_code_reason(e: &AppError, done: usize, total: usize) -> (String, String) {
    let missing = total - done;
    match e.kind {
        ErrorKind::Offline => (
            format!("无法连接中继服务器，{missing} 张卡片未印二维码（家属可稍后凭村委会发的登记码登记）"),
            format!("the relay cannot be reached: {missing} cards printed without a QR code (families can enrol later with a code from the committee)"),
        ),
        _ => (
            format!("{missing} 张卡片未印二维码：{}", e.message),
            format!("{missing} cards printed without a QR code: {}", e.en),
        ),
    }
}

/// The contact cards of the chosen elders as printable HTML (A6, or A4 sheets of four). When this
/// device is enrolled with a relay that answers, each card's QR code carries a fresh one-time family
/// enrolment code for that elder (`POST /v1/enrolments`); otherwise the cards have no QR code and
/// `no_code` says why. A card holds no ID number and no health data (core builds it from the
/// organisation, the helper and the elder's name and address only).
#[tauri::command]
pub async fn print_cards(state: State<'_, AppState>, args: CardQuery) -> AppResult<PrintedCards> {
    if args.elders.is_empty() {
        return Err(AppError::field("elders", "required", "请至少选择一位老人", "choose at least one elder"));
    }
    let store = state.open().await?;
    let enrolment = store.sync_state()?;
    let mut cards = Vec::new();
    for raw in &args.elders {
        let id = parse::elder("elders", raw)?;
        let card = store.contact_card(&id, args.area.as_deref())?;
        cards.push((id, card));
    }
    drop(store);

    let total = cards.len();
    let mut done = 0;
    let mut reason: Option<(String, String)> = None;
    match enrolment {
        None => {
            reason = Some((
                "本设备尚未登记到中继服务器，卡片未印二维码（家属可稍后凭村委会发的登记码登记）".into(),
                "this device is not enrolled with a relay: cards printed without a QR code (families can enrol later with a code from the committee)".into(),
            ))
        }
        Some(s) => match shouwang_sync::Relay::new(&s.relay, Some(s.token.clone())) {
            Err(e) => reason = Some(no_code_reason(&e.into(), 0, total)),
            Ok(client) => {
                for (id, card) in cards.iter_mut() {
                    let request = shouwang_protocol::FamilyCodeRequest { elder: id.to_string() };
                    match client.family_code(&request).await {
                        Ok(answer) => {
                            *card = card.clone().with_enrolment(Enrolment::new(&s.relay, &answer.code));
                            done += 1;
                        }
                        Err(e) => {
                            reason = Some(no_code_reason(&e.into(), done, total));
                            break;
                        }
                    }
                }
            }
        },
    }
    let cards: Vec<ContactCard> = cards.into_iter().map(|(_, c)| c).collect();
    let layout = match args.paper {
        CardPaper::A6 => shouwang_core::print::Layout::A6,
        CardPaper::A4 => shouwang_core::print::Layout::A4Sheet,
    };
    let html =
        shouwang_core::print::card_html(&cards, layout).map_err(|e| AppError::failed(Some("file"), e))?;
    Ok(PrintedCards {
        html,
        cards: count(total),
        with_code: count(done),
        no_code_en: reason.as_ref().map(|r| r.1.clone()),
        no_code: reason.map(|r| r.0),
    })
}
