package privacy

import "testing"

func TestValidBSN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"111222333", true},
		{"123456782", true},
		{"123.456.782", true},
		{"123 456 782", true},
		{"908301662", true},
		{"123456789", false}, // fails the 11-proof
		{"111222334", false},
		{"000000000", false},
		{"12345678", false},   // 8 digits
		{"1234567823", false}, // 10 digits
	} {
		if got := ValidBSN(c.in); got != c.want {
			t.Errorf("ValidBSN(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestValidRRN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"85.07.30-033.28", true},
		{"85073003328", true},
		{"12.03.14-122.51", true}, // born 2012: "2" before the digits
		{"16.05.09-031.02", true},
		{"09.12.01-088.87", true},
		{"85.07.30-033.29", false}, // wrong check
		{"12.03.14-122.52", false},
		{"85.13.30-033.28", false}, // month 13
		{"85.07.30-033", false},
	} {
		if got := ValidRRN(c.in); got != c.want {
			t.Errorf("ValidRRN(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestValidIBAN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"NL91ABNA0417164300", true},
		{"NL91 ABNA 0417 1643 00", true},
		{"nl91 abna 0417 1643 00", true},
		{"BE68539007547034", true},
		{"BE68 5390 0754 7034", true},
		{"GB82 WEST 1234 5698 7654 32", true},
		{"DE89 3704 0044 0532 0130 00", true},
		{"NL91ABNA0417164301", false}, // wrong check
		{"BE68539007547035", false},
		{"NL91ABNA041716430", false}, // NL is 18 long
		{"XX00", false},
	} {
		if got := ValidIBAN(c.in); got != c.want {
			t.Errorf("ValidIBAN(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}
