//! Gateway load: 10,000 game servers connect to one daemon and call ProcessReady.
//!
//! Prints the daemon's resident memory per connected ACTIVE process (RSS delta / N, target
//! ≤ 50 KiB) and the time until all N are ACTIVE. The clients run in a child process (this
//! same binary, re-executed), so their sockets and buffers do not count in the daemon's RSS.
//!
//! `cargo bench -p playfield --bench gateway` (N from `PLAYFIELD_BENCH_PROCESSES`, default
//! 10000; each side needs N file descriptors).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use playfield::wiring::server::{Daemon, DaemonConfig};
use playfield_core::SystemClock;
use playfield_core::{CoreConfig, Fleet, ProcessStatus};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;

const CLIENT_ENV: &str = "PLAYFIELD_BENCH_CLIENT";

fn main() {
    let n: usize = std::env::var("PLAYFIELD_BENCH_PROCESSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match std::env::var(CLIENT_ENV) {
        Ok(addr) => rt.block_on(clients(addr, n)),
        Err(_) => rt.block_on(daemon(n)),
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn daemon(n: usize) {
    let config = DaemonConfig {
        api_listen: None,
        api_access_keys: Vec::new(),
        ws_listen: Some(([127, 0, 0, 1], 0).into()),
        wss_listen: None,
        tls_files: None,
        core: CoreConfig::default(),
        fleets: vec![Fleet {
            id: "fleet-bench".into(),
            name: "bench".into(),
            locations: vec![],
        }],
        ..DaemonConfig::default()
    };
    let handle = Daemon::start(config, Arc::new(SystemClock))
        .await
        .expect("daemon starts");
    let addr = handle.ws_addr().expect("ws listener");
    let before = rss_kib();

    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env(CLIENT_ENV, addr.to_string())
        .env("PLAYFIELD_BENCH_PROCESSES", n.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("client process starts");
    let active = || {
        handle.read(|c| {
            c.processes()
                .filter(|p| p.status == ProcessStatus::Active)
                .count()
        })
    };
    let deadline = started + Duration::from_secs(300);
    while active() < n {
        if Instant::now() > deadline {
            eprintln!("gave up: {} of {n} ACTIVE after 300 s", active());
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    // Let the client report, so all replies were written and read.
    let mut line = String::new();
    if let Some(out) = child.stdout.as_mut() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let after = rss_kib();
    let count = active();
    let delta = after.saturating_sub(before);
    println!(
        "gateway: {count} game servers ACTIVE in {:.2} s",
        elapsed.as_secs_f64()
    );
    println!(
        "gateway: daemon RSS {before} KiB -> {after} KiB, delta {delta} KiB, {:.1} KiB per process (target <= 50)",
        delta as f64 / count.max(1) as f64
    );
    println!("gateway: clients said: {}", line.trim());
    if let Some(stdin) = child.stdin.as_mut() {
        let _ = stdin.write_all(b"done\n");
    }
    drop(child.stdin.take());
    let _ = child.wait();
    handle.shutdown().await;
}

async fn clients(addr: String, n: usize) {
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(256));
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let (addr, gate) = (addr.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await.ok()?;
            let url = format!(
                "ws://{addr}/?ComputeId=bench&FleetId=fleet-bench&IdempotencyToken=t&pID=proc-{i}&sdkLanguage=Go&sdkVersion=5.6.0"
            );
            let tcp = TcpStream::connect(&addr).await.ok()?;
            let (mut ws, _) = tokio_tungstenite::client_async(url, tcp).await.ok()?;
            let req = format!(
                r#"{{"Action":"ActivateServerProcess","RequestId":"r-{i}","SdkVersion":"5.6.0","SdkLanguage":"Go","Port":{},"LogPaths":null}}"#,
                1 + (i % 60000)
            );
            ws.send(Message::text(req)).await.ok()?;
            let reply = ws.next().await?.ok()?;
            drop(permit);
            reply.to_text().ok()?.contains("\"StatusCode\":200").then_some(ws)
        }));
    }
    let mut open = Vec::with_capacity(n);
    for t in tasks {
        if let Ok(Some(ws)) = t.await {
            open.push(ws);
        }
    }
    println!(
        "{} of {n} got a 200 reply to ActivateServerProcess in {:.2} s",
        open.len(),
        started.elapsed().as_secs_f64()
    );
    let _ = std::io::stdout().flush();
    // Hold the connections until the daemon side has measured.
    let mut buf = [0u8; 16];
    let _ = tokio::task::spawn_blocking(move || std::io::stdin().read(&mut buf)).await;
    drop(open);
}
