"""The county comparison's use cases by stage; callers use `lianxin.county.service`."""
