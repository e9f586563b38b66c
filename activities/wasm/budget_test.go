package wasm

import (
	"strings"
	"testing"
	"time"
)

func TestBudgetResolve(t *testing.T) {
	t.Parallel()
	d := DefaultBudget()
	for _, tc := range []struct {
		name string
		in   Budget
		want Budget
	}{
		{"zero takes the defaults", Budget{}, d},
		{"negative takes the defaults", Budget{MemoryPages: 0, Timeout: -1, MaxHostCalls: -5}, d},
		{"over the caps is clamped", Budget{MemoryPages: 1 << 20, Timeout: time.Hour, MaxOutputBytes: 1 << 40, MaxResponseBytes: 1 << 40, MaxHostCalls: 1 << 30}, Caps()},
		{"memory rounds up to its class", Budget{MemoryPages: 65, Timeout: time.Second, MaxOutputBytes: 10, MaxResponseBytes: 20, MaxHostCalls: 1},
			Budget{MemoryPages: 128, Timeout: time.Second, MaxOutputBytes: 10, MaxResponseBytes: 20, MaxHostCalls: 1}},
		{"a small memory is a class", Budget{MemoryPages: 1}, func() Budget { b := d; b.MemoryPages = MemoryClassPages; return b }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.in.Resolve(); got != tc.want {
				t.Fatalf("Resolve(%+v) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
	if c := Caps(); c.MemoryPages%MemoryClassPages != 0 || d.MemoryPages%MemoryClassPages != 0 {
		t.Fatal("the cap and the default must be whole classes")
	}
}

func TestBudgetValidate(t *testing.T) {
	t.Parallel()
	if err := (Budget{}).Validate(); err != nil {
		t.Fatal(err)
	}
	if err := Caps().Validate(); err != nil {
		t.Fatal(err)
	}
	err := Budget{MemoryPages: MaxMemoryPages + 1, Timeout: -time.Second, MaxHostCalls: MaxHostCalls + 1}.Validate()
	for _, want := range []string{"memory_pages: 4097 exceeds the cap 4096", "timeout: -1000000000 is negative", "max_host_calls: 1025 exceeds"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err %v, want %q", err, want)
		}
	}
}

func TestFailureRetryable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f    Failure
		want bool
	}{
		{Failure{Kind: KindTimeout}, true},
		{Failure{Kind: KindNetwork}, true},
		{Failure{Kind: KindHTTPStatus, Status: 500}, true},
		{Failure{Kind: KindHTTPStatus, Status: 429}, true},
		{Failure{Kind: KindHTTPStatus, Status: 408}, true},
		{Failure{Kind: KindHTTPStatus, Status: 404}, false},
		{Failure{Kind: KindDenied, DecisionID: "d"}, false},
		{Failure{Kind: KindTrap}, false},
		{Failure{Kind: KindBudget, Budget: BudgetMemory}, false},
		{Failure{Kind: KindBadOutput}, false},
		{Failure{Kind: KindModule}, false},
	} {
		if got := tc.f.Retryable(); got != tc.want {
			t.Errorf("%+v: retryable %v", tc.f, got)
		}
	}
	for f, want := range map[*Failure]string{
		{Kind: KindBudget, Budget: BudgetOutput, Message: "m"}:       "wasm budget: output: m",
		{Kind: KindHTTPStatus, Status: 503, Message: "m"}:            "wasm http_status 503: m",
		{Kind: KindDenied, DecisionID: "d1", Message: "m"}:           "wasm denied (decision d1): m",
		{Kind: KindDenied, Forbidden: true, Host: "h", Message: "m"}: "wasm denied: m",
	} {
		if f.Error() != want {
			t.Errorf("%q, want %q", f.Error(), want)
		}
	}
}
