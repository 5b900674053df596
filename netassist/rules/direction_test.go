package rules

import (
	"errors"
	"testing"
	"time"
)

func TestLoadRelaySplitsByDirection(t *testing.T) {
	c2s, s2c, err := LoadRelay([]byte(`{"version": 1, "rules": [
	  {"name": "a", "match": {"kind": "equals", "pattern": "A"}, "reply": {"template": "a"}},
	  {"name": "b", "direction": "server-to-client", "match": {"kind": "equals", "pattern": "B"}, "reply": {"template": "b"}},
	  {"name": "c", "direction": "client-to-server", "match": {"kind": "equals", "pattern": "C"}, "reply": {"template": "c"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if c2s.Len() != 2 || s2c.Len() != 1 {
		t.Fatalf("split %d/%d, want 2/1", c2s.Len(), s2c.Len())
	}
	now := time.Now()
	if a := c2s.Test([]byte("C"), "p", now); a.Name != "c" {
		t.Fatalf("client-to-server answered %+v", a)
	}
	if a := s2c.Test([]byte("B"), "p", now); a.Name != "b" {
		t.Fatalf("server-to-client answered %+v", a)
	}
	if a := c2s.Test([]byte("B"), "p", now); a.Rule >= 0 {
		t.Fatal("a server-to-client rule answers the client")
	}
}

func TestLoadRelayBadDirection(t *testing.T) {
	_, _, err := LoadRelay([]byte(`{"version": 1, "rules": [
	  {"name": "a", "reply": {"template": "a"}},
	  {"name": "b", "direction": "both", "reply": {"template": "b"}}]}`))
	var e *Error
	if !errors.As(err, &e) || e.Rule != 1 || e.Field != "direction" || e.Code != CodeBadValue || e.Arg != "both" {
		t.Fatalf("err %#v", err)
	}
}
