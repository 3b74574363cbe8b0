//! The C API called the way a careless C caller would: NULL and invalid arguments, stale
//! handles, bad UTF-8. Every case must give an error code and message, never a crash.

use playfield_ffi::*;
use std::ffi::{c_char, CStr};
use std::ptr;

fn no_error() -> PlayfieldError {
    PlayfieldError {
        code: PLAYFIELD_OK,
        message: ptr::null_mut(),
    }
}

/// Takes the error's code and message and frees the message.
fn take(err: &mut PlayfieldError) -> (i32, String) {
    let code = err.code;
    let message = if err.message.is_null() {
        String::new()
    } else {
        unsafe { CStr::from_ptr(err.message) }
            .to_string_lossy()
            .into_owned()
    };
    unsafe { playfield_error_free(err) };
    assert_eq!(err.code, PLAYFIELD_OK);
    assert!(err.message.is_null());
    (code, message)
}

fn c(s: &[u8]) -> *const c_char {
    assert_eq!(s.last(), Some(&0));
    s.as_ptr().cast()
}

#[test]
fn invalid_handles_are_errors() {
    let mut err = no_error();
    for handle in [0, 1, u64::MAX, 0x1234_5678_9abc_def0] {
        assert!(!unsafe { playfield_activate_game_session(handle, &mut err) });
        let (code, message) = take(&mut err);
        assert_eq!(code, PLAYFIELD_ERROR_INVALID_HANDLE, "{message}");
        assert!(message.contains("invalid SDK handle"), "{message}");
        assert!(unsafe { playfield_poll_event(handle, &mut err) }.is_null());
        assert_eq!(take(&mut err).0, PLAYFIELD_ERROR_INVALID_HANDLE);
        assert!(!unsafe { playfield_sdk_free(handle, &mut err) });
        assert_eq!(take(&mut err).0, PLAYFIELD_ERROR_INVALID_HANDLE);
    }
}

#[test]
fn a_freed_handle_is_invalid_and_cannot_be_freed_twice() {
    let mut err = no_error();
    let sdk = unsafe { playfield_sdk_new(&mut err) };
    assert_ne!(sdk, 0);
    assert_eq!(take(&mut err).0, PLAYFIELD_OK);
    assert!(unsafe { playfield_sdk_free(sdk, &mut err) });
    assert!(!unsafe { playfield_sdk_free(sdk, &mut err) });
    assert_eq!(take(&mut err).0, PLAYFIELD_ERROR_INVALID_HANDLE);
    assert!(unsafe { playfield_get_game_session_id(sdk, &mut err) }.is_null());
    assert_eq!(take(&mut err).0, PLAYFIELD_ERROR_INVALID_HANDLE);
}

#[test]
fn a_null_error_pointer_is_allowed() {
    assert!(!unsafe { playfield_activate_game_session(0, ptr::null_mut()) });
    assert!(unsafe { playfield_matchmaker_data_parse(ptr::null(), ptr::null_mut()) }.is_null());
    let sdk = unsafe { playfield_sdk_new(ptr::null_mut()) };
    assert_ne!(sdk, 0);
    assert!(unsafe { playfield_sdk_free(sdk, ptr::null_mut()) });
}

#[test]
fn null_and_bad_utf8_arguments_are_errors() {
    let mut err = no_error();
    let sdk = unsafe { playfield_sdk_new(&mut err) };
    take(&mut err);

    assert!(!unsafe { playfield_accept_player_session(sdk, ptr::null(), &mut err) });
    let (code, message) = take(&mut err);
    assert_eq!(code, PLAYFIELD_ERROR_INVALID_ARGUMENT);
    assert!(message.contains("player_session_id is NULL"), "{message}");

    assert!(!unsafe { playfield_remove_player_session(sdk, c(b"ps-\xff\xfe\0"), &mut err) });
    let (code, message) = take(&mut err);
    assert_eq!(code, PLAYFIELD_ERROR_INVALID_ARGUMENT);
    assert!(message.contains("not valid UTF-8"), "{message}");

    assert!(!unsafe { playfield_process_ready(sdk, ptr::null(), &mut err) });
    assert_eq!(take(&mut err).0, PLAYFIELD_ERROR_INVALID_ARGUMENT);
    assert!(unsafe { playfield_describe_player_sessions(sdk, ptr::null(), &mut err) }.is_null());
    assert_eq!(take(&mut err).0, PLAYFIELD_ERROR_INVALID_ARGUMENT);
    assert!(unsafe { playfield_start_match_backfill(sdk, ptr::null(), &mut err) }.is_null());
    assert_eq!(take(&mut err).0, PLAYFIELD_ERROR_INVALID_ARGUMENT);

    // An array pointer that is NULL with a count.
    let req = PlayfieldStartMatchBackfillRequest {
        ticket_id: ptr::null(),
        game_session_arn: c(b"arn:aws:gamelift:us-west-2::gamesession/fleet-1/gs-1\0"),
        matchmaking_configuration_arn: c(
            b"arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel\0",
        ),
        players: ptr::null(),
        player_count: 3,
    };
    assert!(unsafe { playfield_start_match_backfill(sdk, &req, &mut err) }.is_null());
    let (code, message) = take(&mut err);
    assert_eq!(code, PLAYFIELD_ERROR_INVALID_ARGUMENT);
    assert!(message.contains("request.players is NULL"), "{message}");

    // Out-of-range enum values.
    assert!(!unsafe { playfield_update_player_session_creation_policy(sdk, 42, &mut err) });
    assert_eq!(take(&mut err).0, PLAYFIELD_ERROR_INVALID_ARGUMENT);
    let params = PlayfieldProcessParameters {
        port: 7777,
        log_paths: ptr::null(),
        log_path_count: 0,
        delivery: 7,
        on_start_game_session: None,
        on_update_game_session: None,
        on_process_terminate: None,
        on_health_check: None,
        user_data: ptr::null_mut(),
    };
    assert!(!unsafe { playfield_process_ready(sdk, &params, &mut err) });
    let (code, message) = take(&mut err);
    assert_eq!(code, PLAYFIELD_ERROR_INVALID_ARGUMENT);
    assert!(message.contains("delivery"), "{message}");

    unsafe { playfield_sdk_free(sdk, ptr::null_mut()) };
}

#[test]
fn sdk_errors_keep_their_names() {
    let mut err = no_error();
    let sdk = unsafe { playfield_sdk_new(&mut err) };
    assert!(!unsafe { playfield_activate_game_session(sdk, &mut err) });
    let (code, message) = take(&mut err);
    assert_eq!(code, PLAYFIELD_ERROR_NOT_INITIALIZED, "{message}");
    assert!(message.starts_with("NotInitialized"), "{message}");
    assert_eq!(unsafe { playfield_get_termination_time(sdk, &mut err) }, 0);
    assert_ne!(take(&mut err).0, PLAYFIELD_OK);
    // Init with parameters that fail validation (no auth, no URL) gives a validation error
    // and never connects.
    let params = PlayfieldServerParameters {
        web_socket_url: ptr::null(),
        process_id: c(b"proc-1\0"),
        host_id: c(b"host-1\0"),
        fleet_id: c(b"fleet-1\0"),
        auth_token: c(b"token\0"),
        aws_region: ptr::null(),
        access_key: ptr::null(),
        secret_key: ptr::null(),
        session_token: ptr::null(),
    };
    if std::env::var_os("GAMELIFT_SDK_WEBSOCKET_URL").is_none() {
        assert!(!unsafe { playfield_init(sdk, &params, &mut err) });
        let (code, message) = take(&mut err);
        assert_eq!(code, PLAYFIELD_ERROR_VALIDATION, "{message}");
        assert!(message.contains("WebSocketUrl"), "{message}");
    }
    // Destroy before init is a no-op, as in the Go SDK; the handle stays usable.
    assert!(unsafe { playfield_destroy(sdk, &mut err) });
    assert!(unsafe { playfield_sdk_free(sdk, &mut err) });
}

#[test]
fn matchmaker_data_parses_into_structs() {
    let mut err = no_error();
    let json = b"{\"matchId\":\"m1\",\"matchmakingConfigurationArn\":\"arn:aws:gamelift:us-west-2:1:matchmakingconfiguration/Duel\",\
        \"teams\":[{\"name\":\"red\",\"players\":[{\"playerId\":\"p1\",\"attributes\":{\
        \"skill\":{\"attributeType\":\"DOUBLE\",\"valueAttribute\":23},\
        \"items\":{\"attributeType\":\"STRING_LIST\",\"valueAttribute\":[\"a\",\"b\"]}}}]},\
        {\"name\":\"blue\",\"players\":[]}],\"autoBackfillMode\":\"AUTOMATIC\",\"autoBackfillTicketId\":\"t-1\"}\0";
    let data = unsafe { playfield_matchmaker_data_parse(c(json), &mut err) };
    assert_eq!(take(&mut err).0, PLAYFIELD_OK);
    let d = unsafe { &*data };
    let s = |p: *const c_char| unsafe { CStr::from_ptr(p) }.to_str().unwrap();
    assert_eq!(s(d.match_id), "m1");
    assert_eq!(d.team_count, 2);
    assert_eq!(d.auto_backfill_mode, PLAYFIELD_BACKFILL_MODE_AUTOMATIC);
    assert_eq!(s(d.auto_backfill_ticket_id), "t-1");
    let teams = unsafe { std::slice::from_raw_parts(d.teams, d.team_count) };
    assert_eq!(s(teams[0].name), "red");
    assert_eq!(teams[1].player_count, 0);
    assert!(teams[1].players.is_null());
    let p1 = unsafe { &*teams[0].players };
    assert_eq!(s(p1.player_id), "p1");
    let attrs = unsafe { std::slice::from_raw_parts(p1.attributes, p1.attribute_count) };
    // Attributes come sorted by name.
    assert_eq!(s(attrs[0].name), "items");
    assert_eq!(attrs[0].value_type, PLAYFIELD_ATTRIBUTE_STRING_LIST);
    let items = unsafe { std::slice::from_raw_parts(attrs[0].string_list, 2) };
    assert_eq!(s(items[1]), "b");
    assert_eq!(attrs[1].value_type, PLAYFIELD_ATTRIBUTE_DOUBLE);
    assert_eq!(attrs[1].double_value, 23.0);
    assert_eq!(s(attrs[1].string_value), "");
    unsafe { playfield_matchmaker_data_free(data) };

    // Empty: not FlexMatch, no error. Garbage: an error, not a crash.
    assert!(unsafe { playfield_matchmaker_data_parse(c(b"\0"), &mut err) }.is_null());
    assert_eq!(take(&mut err).0, PLAYFIELD_OK);
    assert!(unsafe { playfield_matchmaker_data_parse(c(b"{not json\0"), &mut err) }.is_null());
    assert_eq!(take(&mut err).0, PLAYFIELD_ERROR_MATCHMAKER_DATA);
}

#[test]
fn free_functions_accept_null() {
    unsafe {
        playfield_string_free(ptr::null_mut());
        playfield_error_free(ptr::null_mut());
        playfield_event_free(ptr::null_mut());
        playfield_matchmaker_data_free(ptr::null_mut());
        playfield_describe_player_sessions_result_free(ptr::null_mut());
        playfield_compute_certificate_free(ptr::null_mut());
        playfield_fleet_role_credentials_free(ptr::null_mut());
    }
}

#[test]
fn versions() {
    let v = unsafe { CStr::from_ptr(playfield_server_sdk_version()) };
    assert_eq!(v.to_str().unwrap(), "5.6.0");
    let v = unsafe { CStr::from_ptr(playfield_sdk_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}
