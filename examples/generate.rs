//! Prints a generated model: `cargo run --release --example generate -- 10000 [seed]`.
#![allow(clippy::print_stdout)]

#[path = "../bench/generate.rs"]
mod generate;

fn main() {
    let mut args = std::env::args().skip(1);
    let n = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    print!("{}", generate::model(n, seed));
}
