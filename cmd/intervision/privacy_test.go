package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state/redistest"
)

// TestCaseStoredPseudonymised plays a session whose case holds a BSN, a phone number
// and "moeder Fatima", then reads every key in Redis: none of them is there.
func TestCaseStoredPseudonymised(t *testing.T) {
	srv := redistest.Start(t)
	env := func(k string) string {
		if k == "REDIS_URL" {
			return srv.URL()
		}
		return ""
	}
	transcript := `
ann: /start incident nl
bob: /join
ann: /bring
ann: /next
ann: Moeder Fatima (BSN 111222333) belde me op 06-12345678 en zei dat ze niet naar het gesprek kwam. Fatima was boos.
ann: /next
bob: Wat zei Fatima nog meer?
ann: /end
`
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"replay", "--json", "-"}, strings.NewReader(transcript), &out, &errb, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"to":"ann"`) || !strings.Contains(out.String(), "persoonsgegevens") {
		t.Fatalf("the case bringer got no private privacy notice:\n%s", out.String())
	}
	dump := dumpRedis(t, srv.URL())
	if !strings.Contains(dump, "Moeder A") {
		t.Fatalf("the pseudonymised case is not stored:\n%s", dump)
	}
	for _, secret := range []string{"Fatima", "111222333", "12345678", "06-1234"} {
		if strings.Contains(dump, secret) {
			t.Errorf("Redis holds %q:\n%s", secret, dump)
		}
	}
}

// dumpRedis returns every key and value in the server as text.
func dumpRedis(t *testing.T, url string) string {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	ctx := context.Background()
	var b strings.Builder
	iter := rdb.Scan(ctx, 0, "*", 100).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		b.WriteString(k + " = ")
		switch typ := rdb.Type(ctx, k).Val(); typ {
		case "string":
			b.WriteString(rdb.Get(ctx, k).Val())
		case "hash":
			for f, v := range rdb.HGetAll(ctx, k).Val() {
				b.WriteString(f + ":" + v + " ")
			}
		case "set":
			b.WriteString(strings.Join(rdb.SMembers(ctx, k).Val(), " "))
		case "list": // a session's contributions
			b.WriteString(strings.Join(rdb.LRange(ctx, k, 0, -1).Val(), " "))
		default:
			t.Fatalf("key %s has unexpected type %s", k, typ)
		}
		b.WriteString("\n")
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
