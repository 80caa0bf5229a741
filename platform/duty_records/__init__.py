"""The duty record (履职档案, issue 24): a core part that gathers every part's DutySet."""
