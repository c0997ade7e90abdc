//! The `norma` binary: parse arguments, run the command on a thread with a
//! large stack (deeply nested input must end in a diagnostic, never a stack
//! overflow), exit with its code.
use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the front end allocates many small nodes; it checks the
/// 10 000-norm benchmark about a third faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const STACK_SIZE: usize = 512 * 1024 * 1024;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match norma::cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return ExitCode::from(norma::cli::usage_error(&e, &args)),
    };
    let worker = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        // Not locked for the whole command: the language server writes
        // to stdout from its own transport thread.
        .spawn(move || norma::cli::run(cli, &mut std::io::stdout(), &mut std::io::stderr()));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            eprintln!("error: norma stopped unexpectedly; please report this input");
            ExitCode::from(2)
        }
    }
}
