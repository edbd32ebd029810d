"""The demo data of `make demo`: one loader per part, each through the same services a user
would call. It sits above every domain package (it may use all of them; none uses it)."""
