//! The desktop entry point of 守望 Shouwang.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    shouwang_app_lib::run()
}
