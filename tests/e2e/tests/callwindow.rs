//! The call window's first frame: the caller is on screen before its page has loaded.
//!
//! A call window needs a fresh web process, and its page takes a few hundred milliseconds to
//! draw; meanwhile the app draws the band, name and number itself
//! (`src-tauri/src/app/call_card.rs`) and takes that card away once the page has drawn. This
//! test watches the window over one X connection from the ring on, and checks what a person
//! would see: first the ringing band with the caller's name and no buttons yet, then the page
//! with its buttons, which work; answered, the live page stays in sight (no card over it).

use callpop_e2e::screen::call_window::{ANSWER, BAND, GREEN, HANG_UP, RED, RINGING};
use callpop_e2e::{
    ensure, fail, session_or_skip, sleep_ms, unique_passcode, App, Phone, Result, Scenario, Screen,
    ServerKind, Window, SOON,
};
use callpop_phone_sim::LineState;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cw_caller_on_screen_before_the_page_then_the_page() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "cw-first-frame")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let passcode = unique_passcode("cw");
    let phone = Phone::start(&passcode).await?;
    let app = App::first_run_configured(&sc, phone.url(), &passcode, "1").await?;
    let screen = Screen::connect()?;

    phone.sim().ring(Some(1), "+14165550123", "Ann Lee")?;
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut window = None;
    let first = loop {
        if window.is_none() {
            window = screen.viewable_window("Call")?;
        }
        if let Some(id) = window {
            if screen.pixel(id, BAND.0, BAND.1)? == Some(RINGING) {
                break id;
            }
        }
        ensure!(Instant::now() < deadline, "no call window rang");
        sleep_ms(1).await;
    };
    // The first frame with the ringing band: the caller's name is there (dark text on the
    // light surface, where the page puts the name), the page's buttons are not yet.
    let name_text = screen.dark_pixels(first, 12, 80, 300, 60)?;
    let buttons_drawn = screen.pixel(first, ANSWER.0, ANSWER.1)? == Some(GREEN);
    let shot = session.screenshots.join("cw-first-frame-card.png");
    screen.save_png(first, &shot)?;
    ensure!(
        !buttons_drawn,
        "the first frame already had the page's buttons: no card was drawn while it loaded"
    );
    ensure!(
        name_text > 100,
        "no caller's name in the first frame ({name_text} dark pixels; see {})",
        shot.display()
    );

    // Then the page takes over: its buttons are on screen, not hidden by the card.
    let deadline = Instant::now() + Duration::from_secs(10);
    while screen.pixel(first, ANSWER.0, ANSWER.1)? != Some(GREEN) {
        ensure!(
            Instant::now() < deadline,
            "the page's buttons never came on screen (the card stayed?)"
        );
        sleep_ms(5).await;
    }
    screen.save_png(first, &session.screenshots.join("cw-first-frame-page.png"))?;
    ensure!(
        screen.pixel(first, HANG_UP.0, HANG_UP.1)? == Some(RED),
        "no red Reject button where the page draws it: {:?}",
        screen.pixel(first, HANG_UP.0, HANG_UP.1)?
    );

    app.switch_to(Window::Call).await?;
    app.wait_text("#caller-name", "the caller's name on the page", |t| {
        t == "Ann Lee"
    })
    .await?;
    app.click_button("#call-actions", "Answer").await?;
    phone.wait_line(1, LineState::Connected, SOON).await?;
    // Answered: the page, uncovered, follows the call (the band turns to the in-call green)
    // and its Hang up button stays in sight. The card is for a page that loads: put over
    // this live page it would hide every button for its 4 s.
    let deadline = Instant::now() + Duration::from_secs(5);
    while screen.pixel(first, BAND.0, BAND.1)? != Some(GREEN) {
        ensure!(
            Instant::now() < deadline,
            "the call window does not show the call in progress: {:?}",
            screen.pixel(first, BAND.0, BAND.1)?
        );
        sleep_ms(20).await;
    }
    let answered = Instant::now();
    let mut hidden_since = None;
    while answered.elapsed() < Duration::from_millis(1500) {
        let hang_up = screen.pixel(first, HANG_UP.0, HANG_UP.1)?;
        match (hang_up == Some(RED), hidden_since) {
            (false, None) => hidden_since = Some(Instant::now()),
            (true, _) => hidden_since = None,
            (false, Some(since)) => {
                let shot = session.screenshots.join("cw-answered-covered.png");
                screen.save_png(first, &shot)?;
                ensure!(
                    since.elapsed() < Duration::from_millis(500),
                    "the Hang up button is out of sight after answering (see {})",
                    shot.display()
                );
            }
        }
        sleep_ms(20).await;
    }
    screen.save_png(first, &session.screenshots.join("cw-answered.png"))?;
    phone
        .sim()
        .remote_hangup(1)
        .map_err(|e| fail(format!("hang up: {e}")))?;
    Ok(())
}
