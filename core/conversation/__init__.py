"""An inbound event's way in: dispatch, the command table and menus, every role's commands, the resident's intake and follow-ups; may import core.staff, core.cases and all below them."""
