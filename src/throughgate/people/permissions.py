"""Permissions owned by the people app."""

from throughgate.core.access import register_permission

SEARCH_PEOPLE = register_permission("people.search_people", "Search for people in your establishment")
VIEW_PERSON = register_permission("people.view_person", "Read a person's record (audited, with a purpose)")
VIEW_OWN_RECORD = register_permission("people.view_own_record", "A resident reads their own details")
LOOKUP_PERSON = register_permission("people.lookup_person", "A partner system looks up a person by identifier")
