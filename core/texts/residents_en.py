"""English texts a resident may read (members and coordinators read some of them too)."""

EN_RESIDENTS: dict[str, str] = {
    # greeting, help and the commands of the menu
    "start_resident": (
        "Hello{name}! This is <b>Minqing</b>: members of the district's political consultative "
        "conference listen to residents' concerns here.\n\n"
        "Just tell me the problem in your own words (photos welcome), for example:\n"
        '"Someone has taken over our village\'s contracted farmland and nobody helps"\n\n'
        "I pass it to the members who know the field (law, economy, agriculture ...) and tell you "
        "when someone will take it up and when you will have an answer. To see how it is going, "
        'open the menu and choose "My concerns".'
    ),
    "draft_open": "You have a concern that is not submitted yet: carry on adding to it, or press Cancel.",
    "greeting_hint": "Hello! Tell me the problem: what, where and since when. Photos welcome.",
    "help_resident": (
        "What you can do:\n"
        "1. Write the problem (photos welcome) and I pass it to the members who know the field;\n"
        '2. Open the menu and choose "My concerns" to see how far each one has got;\n'
        '3. When a member asks you something, press "Reply" under their message.'
    ),
    "cmd_start": "Start",
    "cmd_new": "Raise a new concern",
    "cmd_my": "My concerns",
    "cmd_case": "Show one of your concerns: /case number",
    "cmd_cancel": "Cancel what is going on",
    "cmd_help": "Help",
    "cmd_forgetme": "Erase my personal data",
    "cmd_reply": "Reply to a member: /reply number text",
    # raising a concern: describe, town, contact, the card to confirm
    "ask_describe": "Please describe the problem: what, where and since when. Photos welcome.",
    "ask_describe_with_photo": "Please also describe the problem in words.",
    "need_words": "Please describe the problem in words (emoji or blank text cannot be taken).",
    "need_more_detail": "Please tell me a little more: what exactly, where, since when?",
    "ask_station": "Which town or street office is it in? Pick one (or skip):",
    "use_buttons": "Please use the buttons above.",
    "text_appended": "Added to your description. Please carry on choosing.",
    "text_too_long": "That is too long: a concern can have at most {limit} characters.",
    "photo_added": "📷 Photo added ({count}/{limit}).",
    "photo_limit": "At most {limit} photos; the rest were not added.",
    "location_saved": "📍 Location saved.",
    "ask_contact": (
        "Would you leave a phone number so the member can call back?\n"
        '• "Share my phone number": only the member in charge and coordinators see your name and '
        "number, and the member can call you\n"
        '• "No phone": they see your name but have no number; they write to you here\n'
        '• "Stay anonymous": nobody sees your name or number; members can only write here and '
        "cannot call you back"
    ),
    "contact_share": "📱 Share my phone number",
    "contact_none": "No phone",
    "contact_anonymous": "Stay anonymous",
    "contact_not_own": "Please share your own phone number (the button below).",
    "contact_saved": "Phone number saved.",
    "contact_noted": "All right.",
    "skip": "Skip",
    "draft_card": (
        "<b>📝 Please check your concern</b>\n\n"
        "{text}\n\n"
        "📷 Photos: {photos}\n"
        "📍 Town: {station}\n"
        "📞 Contact: {contact}\n"
        "{route}\n\n"
        "You can still add words or photos. Press Confirm when it is right."
    ),
    "card_route": "🏛 As you chose, it goes to the members for <b>{tank}</b>",
    "card_route_triage": "🏛 It is not clear yet which field it is: the coordinators will find the right members",
    "card_keywords": "\nBecause of: {keywords}",
    "keyword_weight": "{word} ({weight})",
    "keyword_separator": ", ",
    "card_contact_phone": "{phone}",
    "card_contact_none": "no phone",
    "card_contact_anonymous": "anonymous",
    "btn_confirm": "✅ Confirm",
    "btn_change_tank": "🔀 Change field",
    "btn_cancel": "✖️ Cancel",
    "choose_tank": "Which field is it?",
    "tank_unsure": "Not sure: let a coordinator decide",
    "submitted_toast": "Submitted",
    "submitted": (
        "✅ Received, your concern is number <b>{ref}</b>.\n"
        "It went to the members for <b>{tank}</b>.\n"
        "⏰ A member will take it up by {claim_by}, and you will have an answer by {answer_by}.\n"
        "I will tell you as soon as anything happens: no need to write again. Press "
        '"See progress" below at any time.'
    ),
    "submitted_triage": (
        "✅ Received, your concern is number <b>{ref}</b>.\n"
        "⏰ A coordinator will find the right members by {claim_by}, and you will have an answer "
        "by {answer_by}.\n"
        "I will tell you as soon as anything happens: no need to write again. Press "
        '"See progress" below at any time.'
    ),
    "cancelled": "Cancelled; nothing was submitted. Write any time.",
    "cancelled_toast": "Cancelled",
    "draft_dropped": "The earlier unsent draft was dropped.",
    "step_cancelled": "Cancelled.",
    "nothing_to_cancel": "Nothing is going on to cancel.",
    "describe_first": "Please describe your concern in words first.",
    "card_location": "📌 Location: attached (only the member in charge and coordinators see it)",
    "expect_station": 'Please pick your town with the buttons above, or press "Skip".',
    "expect_contact": "Please use the buttons below: share your phone number, no phone, or stay anonymous; or type your phone number.",
    "expect_confirm": 'If it is right, press "Confirm"; to add to your concern, write a whole sentence.',
    "expect_tank": "Please pick the field with the buttons above.",
    # their cases: the list, a case's card and its timeline
    "triage_name": "Coordinators",
    "not_given": "not given",
    "status_triage": "finding the right members",
    "status_open": "waiting for a member",
    "status_claimed": "a member is on it",
    "status_resolved": "resolved",
    "status_closed": "closed",
    "my_none": "You have not raised any concern yet. Just write to start.",
    "my_header": "Your concerns (latest {count}):",
    "case_line": "<b>{ref}</b> · {status} · {tank} · {date}\n    {text}",
    "case_usage": "Please give the number, e.g. /case 12",
    "case_not_found": "Concern {ref} was not found, or you may not see it.",
    "case_detail": (
        "<b>Concern {ref}</b> · {status}\n"
        "🏛 {tank} · 📍 {station}\n{contact}\n"
        "{text}\n\n<b>Timeline</b>\n{timeline}"
    ),
    "event_created": "filed by the resident, sent to {tank}",
    "timeline_more": "({count} earlier entries not shown)",
    "member_retired": "the member retired",
    "event_claimed": "taken up by {member}",
    "event_message": "{side_label}: {text}",
    "side_member": "member",
    "side_resident": "resident",
    "event_assigned": "a coordinator asked {member} to take it up",
    "event_resolved": "resolved: {text}",
    "event_rated": "rated by the resident: {rating_label}",
    "event_comment": "the resident's comment: {text}",
    "event_closed_unrated": "closed unrated after 7 days",
    "event_returned": "back to the tank: {reason}",
    "event_auto_assigned": "nobody took it up in time; {member} was asked to",
    "event_extended": "the member gave it {days} more days: {reason}",
    "event_transferred_public": "moved to {tank}",
    "event_withdrawn": "the resident filed the words before as a new concern instead",
    "status_referred": "referred",
    "event_answered": "💬 coordinator: {text}",
    "event_referred": "↪️ referred to {name}: {text}",
    "case_referred": "{ref} was referred elsewhere and is closed; please turn to the body the "
    "referral names. For a new concern, just write it.",
    # what they hear while a case is worked on, and their answers
    "skipped_toast": "OK",
    "btn_as_new": "📝 File as a new concern",
    "answer_sent": 'Sent to the member as your answer to their question on {ref}. If it is a new concern, press "File as a new concern".',
    "answer_which": "Members are waiting for your answer on {count} concerns. Which one is this for? Or file it as a new concern.",
    "comment_kept": "Your comment is on the record of {ref}. Thank you!",
    "btn_reply": "💬 Reply",
    "rating_good": "😊 Satisfied",
    "rating_fair": "🙂 Fairly satisfied",
    "rating_poor": "😞 Not satisfied",
    "resident_claimed": "👤 Your concern <b>{ref}</b> was taken up by {member}, a member for <b>{tank}</b>. You will hear from them here.",
    "resident_transferred": "🔀 Your concern <b>{ref}</b> was passed to the members for <b>{tank}</b>. You will hear as soon as anything happens.",
    "compose_message": "Type your reply about {ref} and send it (or press Cancel):",
    "compose_need_text": "Please send text, or press Cancel.",
    "to_resident": "💬 <b>{ref}</b> · {member}, a member for {tank}:\n\n{text}\n\nTo answer, press Reply.",
    "to_resident_question": "❓ <b>{ref}</b> · {member}, a member for {tank}, asks:\n\n{text}\n\n"
    "Press Reply or answer this message.",
    "message_sent": "Sent ({ref}).",
    "message_kept": "Added to the timeline of {ref}; the member will see it once they take it up.",
    "resident_resolved": "✅ Your concern <b>{ref}</b> is resolved.\n\nWhat was done:\n{text}\n\n"
    "How satisfied are you?",
    "rated_toast": "Thank you",
    "rated_thanks": "Thank you for rating! {ref} is closed. For a new concern, just write it.",
    "rated_reopened": "Sorry it did not help. {ref} is back with the member, and the coordinators know. You will hear as soon as anything happens.",
    "comment_prompt": "Anything to add? Just write it, or press Skip.",
    "comment_thanks": "Your comment on {ref} went to the member. Thank you!",
    "resident_closed_unrated": "Your concern {ref} was resolved 7 days ago without a rating and is now closed. Write again any time.",
    "resident_extended": "⏳ Your concern <b>{ref}</b> needs more time: the member extended its deadline by {days} days (to {when}). Why: {reason}",
    "to_resident_coordinator": "💬 <b>{ref}</b> · a coordinator:\n\n{text}\n\n"
    "Press Reply or answer this message.",
    "resident_referred": "↪️ Your concern <b>{ref}</b> is not one the think tanks can take up; "
    "it was referred to <b>{body}</b>{contact}.\n\nWhy, and what to do:\n{text}\n\n"
    "How satisfied are you with this answer?",
    "referral_contact": " ({contact})",
    "referral_rated": "Thank you for rating! {ref} is closed. For a new concern, just write it.",
    # privacy
    "forget_explain": "This erases your name, phone number and chat identity here. Your concerns stay, anonymous, for the statistics, and you will no longer hear about them. Go ahead?",
    "btn_forget_confirm": "Erase",
    "forget_done": "Your personal data is erased ({count} concerns affected). Thank you for taking part!",
    # refusals and errors
    "text_clipped": "… (too long to show in full)",
    "text_clipped_case": "… (too long to show in full: send /case {number} for all of it)",
    "button_stale": "This button is no longer valid.",
    "unknown_command": "{command} is not a command you can use. Send /help to see what you can do.",
    "not_allowed": "You may not use that command.",
    "unsupported": "{what} cannot be taken. Please describe the problem in words; photos, a "
    "location or your phone number are welcome.",
    "media_sticker": "A sticker",
    "media_voice": "A voice message",
    "media_audio": "Audio",
    "media_video": "A video",
    "media_video_note": "A video message",
    "media_document": "A file",
    "media_animation": "An animation",
    "media_poll": "A poll",
    "media_other": "That kind of message",
    "private_only": "Please write to me in a private chat.",
    "slow_down": "You are sending too fast; please wait a moment. What you sent before is safe.",
    "internal_error": "Sorry, something went wrong. Please try again; what you submitted is safe.",
    "conversation_lost": "Sorry, what you were in the middle of cannot be carried on (the bot was updated). Please start again.",
    "case_closed": "{ref} is closed. For a new concern, just write it.",
    "rating_closed": "This concern needs no rating now.",
    "reply_usage": "Usage: /reply number text",
    "invite_invalid": "This invitation is invalid or has expired; ask a coordinator for a new one.",
    "wx_progress_open": "Received",
    "wx_progress_claimed": "Taken up",
    "wx_progress_answered": "Answered",
    "wx_progress_asked": "Question",
    "wx_progress_resolved": "Rate it",
    "wx_progress_closed": "Closed",
    "wx_progress_referred": "Referred",
    "wx_menu_new": "New concern",
    "wx_menu_my": "My concerns",
    "wx_menu_help": "Help",
    "media_voice_kept": "Voice",
    "media_file": "Attachment",
    "media_place": "Place",
    "ask_contact_typed": (
        "Would you leave a phone number so the member can call back?\n"
        "• Type your phone number (only the member in charge and coordinators see it)\n"
        "• Or choose no phone, or stay anonymous"
    ),
    "expect_similar": "Please tap a button above: add your voice to a similar concern, or go on with a new one.",
    "voice_offer": "🤝 Your neighbours raised something similar, still being worked on:\n{lines}\n\nIf it is the same problem, you can add your voice to one of them and you will be told of its outcome too; if not, go on with a new concern.",
    "voice_line": "<b>{ref}</b> · {station} · {date} · residents: {residents} · alike in: {words}",
    "btn_add_voice": "➕ Add my voice to {ref}",
    "btn_new_case": "Go on with a new concern",
    "voice_added": "✅ You added your voice to <b>{ref}</b>. You will be told of its outcome, as its author is.",
    "voice_added_toast": "Voice added",
    "voice_twice": "You have already added your voice to {ref}.",
    "voice_closed": "{ref} is no longer being worked on, so you cannot add your voice to it. You can go on with a new concern.",
    "voice_other_tank": "{ref} is in another field; you cannot add your voice to it.",
    "voice_own": "{ref} is your own concern.",
    "supporter_resolved": "✅ The concern <b>{ref}</b> you added your voice to is resolved.\n\nWhat was done:\n{text}",
    "supporter_referred": "↪️ The concern <b>{ref}</b> you added your voice to was referred to {body}.\n\n{text}",
    "resident_merged": "🔗 Your concern <b>{dup}</b> is the same problem as <b>{ref}</b> and was merged into it. You will be told of its outcome.",
    "resident_unmerged": "Your concern <b>{dup}</b> was taken out of {ref} and is handled on its own again.",
    "event_supported": "another resident added their voice ({count} residents)",
    "event_merged": "the same problem as #{into}: merged into #{into}",
    "event_merged_in": "#{dup} merged into this concern ({count} residents)",
    "event_unmerged": "merge undone: handled on its own again",
    "event_unmerged_out": "#{dup} taken out, handled on its own again",
    "case_finished": "{ref} is closed.",
    # plain words for where a concern goes, the promises of the receipt, and a late answer
    "card_route_because": "🏛 Because you mentioned {keywords}, it goes to the members for <b>{tank}</b>",
    "keyword_quoted": '"{word}"',
    "btn_progress": "📄 See progress",
    "btn_stop": "✖️ Cancel",
    "promise_time": "{weekday} {day} {month}, {hm}",
    "month_1": "Jan",
    "month_2": "Feb",
    "month_3": "Mar",
    "month_4": "Apr",
    "month_5": "May",
    "month_6": "Jun",
    "month_7": "Jul",
    "month_8": "Aug",
    "month_9": "Sep",
    "month_10": "Oct",
    "month_11": "Nov",
    "month_12": "Dec",
    "weekday_0": "Mon",
    "weekday_1": "Tue",
    "weekday_2": "Wed",
    "weekday_3": "Thu",
    "weekday_4": "Fri",
    "weekday_5": "Sat",
    "weekday_6": "Sun",
    "resident_late": (
        "⏳ We are sorry: you were promised an answer on <b>{ref}</b> by {when}, and it has not "
        "come yet. We are chasing it: no need to write again, you will hear as soon as anything "
        "happens."
    ),
    "event_resident_late": "⏳ the answer is later than promised; the resident was told",
    "resident_sent": "Sent ({ref}). You will hear as soon as there is an answer.",
    # the desk, as residents read it
    "meet_invitation": "📣 Invitation to a consultation\nTopic: {topic}\nWhen: {when}\nWhere: {place}\nYou are welcome; please say whether you will come.",
    "btn_meet_yes": "✅ I will come",
    "btn_meet_no": "I will not come",
    "meet_answered_yes": "Noted: you will come",
    "meet_answered_no": "Noted: you will not come",
    "meet_not_invited": "You are not invited to this consultation.",
    "meet_not_scheduled": "Consultation {number} is over or was cancelled.",
    "meet_reminder": "⏰ Reminder: a consultation tomorrow.\n{invitation}",
    "outcome_report_adopted": "📢 What you raised ({refs}) was written into a public opinion report, which the conference adopted and passed to the departments concerned.",
    "outcome_accepted": "📢 What you raised ({refs}) became a proposal of the conference, accepted and passed to the departments concerned.",
    "outcome_replied_A": "📢 The proposal on what you raised ({refs}) was answered: the problem is solved.",
    "outcome_replied_B": "📢 The proposal on what you raised ({refs}) was answered: it is being solved.",
    "outcome_replied_C": "📢 The proposal on what you raised ({refs}) was answered: it is in the work plan.",
    "outcome_rated_satisfied": "📢 The members were satisfied with the answer to the proposal on what you raised ({refs}); it is closed.",
    "outcome_rated_basic": "📢 The members were mostly satisfied with the answer to the proposal on what you raised ({refs}); it is closed.",
    "outcome_rated_unsatisfied": "📢 The members were not satisfied with the answer to the proposal on what you raised ({refs}); a second answer was asked for.",
    "outcome_meet_held": "📢 A consultation was held on what you raised ({refs}): {topic}.",
    "outcome_rated_unsatisfied_final": "📢 The members were still not satisfied with the second answer to the proposal on what you raised ({refs}); it is closed.",
    "refs_separator": ", ",
    # channels where a phone number is typed, never shared with a button (WeChat, WeCom)
    "unsupported_typed": "{what} cannot be taken. Please describe the problem in words; photos, a "
    "location or your phone number typed are welcome.",
    "expect_contact_typed": 'Please type your phone number, or choose "No phone" or "Stay anonymous".',
    "voice_message_added": "🎤 Voice message added ({count}/{limit}).",
    "status_merged_into": "merged into {ref}",
    "withheld": "(withheld)",
}
