"""Use cases of counties and townships by stage; callers use `lianxin.tenants.service`."""
