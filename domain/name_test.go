package domain_test

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
)

// The hand-written name rules match these regular expressions exactly.
var (
	queueRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	idRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`)
)

func TestNameRulesMatchTheirRegexps(t *testing.T) {
	t.Parallel()
	// Half the strings use only allowed bytes, so both outcomes are common.
	alphabets := []string{"aZ09_.:-", "aZ09_.:-{} é\x00"}
	r := rand.New(rand.NewPCG(1, 2))
	valid := 0
	for range 20000 {
		alphabet := alphabets[r.IntN(2)]
		var b strings.Builder
		for range r.IntN(140) {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		require.Equal(t, queueRE.MatchString(s), domain.ValidateQueueName(s) == nil, "queue %q", s)
		require.Equal(t, queueRE.MatchString(s), domain.ValidateTaskType(s) == nil, "type %q", s)
		require.Equal(t, idRE.MatchString(s), domain.ValidateID(s) == nil, "id %q", s)
		if queueRE.MatchString(s) {
			valid++
		}
	}
	require.Greater(t, valid, 200, "the sample must hold many valid names")
}
