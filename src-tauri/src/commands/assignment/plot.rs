//! The assignment plot: homes projected to metres on a local plane around the village (east `x`,
//! north `y`), measured with core's distance, each helper's reach circle from core's walk, who reaches
//! whom from core's `reach`.

use super::elder_names;
use crate::dto::{HomePoint, InReach, MapElder, MapHelper, ReachMap};
use crate::error::AppResult;
use shouwang_core::elder::Position;
use shouwang_core::reach;
use shouwang_core::store::{HelperRow, Store};
use std::collections::BTreeMap;

/// Metres east and north of `origin`, measured with core's distance along each axis.
pub fn project(origin: Position, p: Position) -> (f64, f64) {
    let east = reach::distance_m(origin, Position { lat: origin.lat, lon: p.lon });
    let north = reach::distance_m(origin, Position { lat: p.lat, lon: origin.lon });
    let round = |v: f64| (v * 10.0).round() / 10.0;
    (round(east.copysign(p.lon - origin.lon)), round(north.copysign(p.lat - origin.lat)))
}

/// Builds the plot from core's reach inputs.
pub fn reach_map_of(store: &Store, today: chrono::NaiveDate) -> AppResult<ReachMap> {
    let walk = store.walk();
    let (elders, helpers, current) = store.reach_inputs()?;
    let homes: Vec<Position> =
        elders.iter().filter_map(|e| e.home).chain(helpers.iter().filter_map(|h| h.home)).collect();
    let origin = (!homes.is_empty()).then(|| {
        let n = homes.len() as f64;
        Position {
            lat: homes.iter().map(|p| p.lat).sum::<f64>() / n,
            lon: homes.iter().map(|p| p.lon).sum::<f64>() / n,
        }
    });
    let at = |p: Option<Position>| match (origin, p) {
        (Some(o), Some(p)) => {
            let (x, y) = project(o, p);
            (Some(x), Some(y))
        }
        _ => (None, None),
    };
    let rows: BTreeMap<String, HelperRow> =
        store.helpers()?.into_iter().map(|h| (h.id.to_string(), h)).collect();
    let names = elder_names(store, today)?;
    let map_helpers = helpers
        .iter()
        .map(|h| {
            let (x, y) = at(h.home);
            let row = rows.get(h.id.as_str());
            MapHelper {
                id: h.id.to_string(),
                name: row.map(|r| r.name.clone()).unwrap_or_default(),
                x,
                y,
                reach_m: walk.straight_line_reach_m(),
                elders: row.map(|r| u32::try_from(r.elders).unwrap_or(u32::MAX)).unwrap_or(0),
            }
        })
        .collect();
    let map_elders = elders
        .iter()
        .map(|e| {
            let (x, y) = at(e.home);
            let reach = reach::reachable(&walk, e, &helpers);
            let helper = current.get(&e.id);
            let minutes = helper
                .and_then(|h| helpers.iter().find(|x| x.id == *h))
                .and_then(|h| reach::minutes(&walk, h, e))
                .map(|m| m.minutes);
            let (name, address, phone) = names.get(e.id.as_str()).cloned().unwrap_or_default();
            MapElder {
                id: e.id.to_string(),
                name,
                address,
                phone,
                x,
                y,
                helper: helper.map(ToString::to_string),
                minutes,
                remote: reach.is_empty(),
                reachable: reach
                    .into_iter()
                    .map(|m| InReach {
                        helper: m.helper.to_string(),
                        minutes: m.minutes,
                        measured: m.measured,
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(ReachMap {
        walk: walk.into(),
        origin: origin.map(HomePoint::from),
        helpers: map_helpers,
        elders: map_elders,
    })
}
