package lru_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/intervision-bot/intervision/internal/lru"
)

// op is one call on a cache: "get", "put", "take", "swap" or "len". For get, take and
// swap (which stores 10), val and ok are the expected result; for put, val is the
// value stored; for len, n is the expected length.
type op struct {
	do  string
	key string
	val int
	ok  bool
	n   int
}

func TestCache(t *testing.T) {
	tests := []struct {
		name string
		max  int
		ops  []op
	}{
		{"empty", 2, []op{
			{do: "get", key: "a"},
			{do: "take", key: "a"},
			{do: "len", n: 0},
		}},
		{"put and get", 2, []op{
			{do: "put", key: "a", val: 1},
			{do: "get", key: "a", val: 1, ok: true},
			{do: "get", key: "a", val: 1, ok: true}, // get does not remove
			{do: "get", key: "b"},
			{do: "len", n: 1},
		}},
		{"put replaces", 2, []op{
			{do: "put", key: "a", val: 1},
			{do: "put", key: "a", val: 2},
			{do: "get", key: "a", val: 2, ok: true},
			{do: "len", n: 1},
		}},
		{"take removes", 2, []op{
			{do: "put", key: "a", val: 1},
			{do: "put", key: "b", val: 2},
			{do: "take", key: "a", val: 1, ok: true},
			{do: "take", key: "a"},
			{do: "get", key: "a"},
			{do: "get", key: "b", val: 2, ok: true},
			{do: "len", n: 1},
		}},
		{"evicts least recently put", 2, []op{
			{do: "put", key: "a", val: 1},
			{do: "put", key: "b", val: 2},
			{do: "put", key: "c", val: 3},
			{do: "get", key: "a"},
			{do: "get", key: "b", val: 2, ok: true},
			{do: "get", key: "c", val: 3, ok: true},
			{do: "len", n: 2},
		}},
		{"get marks recently used", 2, []op{
			{do: "put", key: "a", val: 1},
			{do: "put", key: "b", val: 2},
			{do: "get", key: "a", val: 1, ok: true},
			{do: "put", key: "c", val: 3},
			{do: "get", key: "b"},
			{do: "get", key: "a", val: 1, ok: true},
			{do: "get", key: "c", val: 3, ok: true},
		}},
		{"put of a cached key marks recently used", 2, []op{
			{do: "put", key: "a", val: 1},
			{do: "put", key: "b", val: 2},
			{do: "put", key: "a", val: 10},
			{do: "put", key: "c", val: 3},
			{do: "get", key: "b"},
			{do: "get", key: "a", val: 10, ok: true},
			{do: "len", n: 2},
		}},
		{"take frees room", 2, []op{
			{do: "put", key: "a", val: 1},
			{do: "put", key: "b", val: 2},
			{do: "take", key: "a", val: 1, ok: true},
			{do: "put", key: "c", val: 3},
			{do: "get", key: "b", val: 2, ok: true},
			{do: "get", key: "c", val: 3, ok: true},
		}},
		{"swap replaces in place", 2, []op{
			{do: "put", key: "a", val: 1},
			{do: "put", key: "b", val: 2},
			{do: "swap", key: "a", val: 1, ok: true}, // to 10: a stays the least recently used
			{do: "get", key: "a", val: 10, ok: true},
			{do: "put", key: "c", val: 3},
			{do: "get", key: "b"},
			{do: "swap", key: "b"},
			{do: "get", key: "b"},
			{do: "len", n: 2},
		}},
		{"max 1", 1, []op{
			{do: "put", key: "a", val: 1},
			{do: "put", key: "b", val: 2},
			{do: "get", key: "a"},
			{do: "get", key: "b", val: 2, ok: true},
			{do: "len", n: 1},
		}},
		{"max 0 holds nothing", 0, []op{
			{do: "put", key: "a", val: 1},
			{do: "get", key: "a"},
			{do: "take", key: "a"},
			{do: "len", n: 0},
		}},
		{"negative max disables", -1, []op{
			{do: "put", key: "a", val: 1},
			{do: "get", key: "a"},
			{do: "take", key: "a"},
			{do: "len", n: 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := lru.New[string, int](tt.max)
			for i, o := range tt.ops {
				switch o.do {
				case "put":
					c.Put(o.key, o.val)
				case "get", "take", "swap":
					f := c.Get
					switch o.do {
					case "take":
						f = c.Take
					case "swap":
						f = func(k string) (int, bool) { return c.Swap(k, 10) }
					}
					v, ok := f(o.key)
					if v != o.val || ok != o.ok {
						t.Fatalf("op %d: %s(%q) = %d, %v; want %d, %v", i, o.do, o.key, v, ok, o.val, o.ok)
					}
				case "len":
					if got := c.Len(); got != o.n {
						t.Fatalf("op %d: Len() = %d; want %d", i, got, o.n)
					}
				default:
					t.Fatalf("op %d: unknown op %q", i, o.do)
				}
			}
		})
	}
}

// TestSwapAllocatesNothing checks that swapping a cached value out and back, as the
// session cache does every turn, allocates nothing.
func TestSwapAllocatesNothing(t *testing.T) {
	c := lru.New[string, int](4)
	c.Put("a", 1)
	if n := testing.AllocsPerRun(100, func() {
		v, _ := c.Swap("a", 0)
		c.Put("a", v+1)
	}); n != 0 {
		t.Fatalf("Swap and Put of a cached key: %v allocations; want 0", n)
	}
}

// TestZeroValueOnMiss checks that a miss returns V's zero value, not a stale one.
func TestZeroValueOnMiss(t *testing.T) {
	c := lru.New[int, []byte](1)
	c.Put(1, []byte("x"))
	c.Put(2, []byte("y")) // evicts 1
	if v, ok := c.Get(1); v != nil || ok {
		t.Fatalf("Get(1) = %q, %v; want nil, false", v, ok)
	}
}

// TestConcurrent exercises every method from many goroutines; run it with -race.
func TestConcurrent(t *testing.T) {
	const max = 8
	c := lru.New[string, int](max)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				k := fmt.Sprint((g + i) % 20)
				switch i % 5 {
				case 0:
					c.Put(k, i)
				case 1:
					c.Get(k)
				case 2:
					c.Take(k)
				case 3:
					c.Swap(k, -i)
				case 4:
					if n := c.Len(); n > max {
						t.Errorf("Len() = %d > %d", n, max)
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := c.Len(); n > max {
		t.Fatalf("Len() = %d > %d", n, max)
	}
}
