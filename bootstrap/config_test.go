package bootstrap_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/bootstrap"
)

func load(t *testing.T, args []string, env map[string]string) (bootstrap.Config, error) {
	t.Helper()
	if !containsEnvFile(args) {
		args = append([]string{"--env-file", filepath.Join(t.TempDir(), "absent.env")}, args...)
	}
	return bootstrap.Load(bootstrap.LoadParams{
		Args:      args,
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Output:    io.Discard,
	})
}

func containsEnvFile(args []string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "--env-file") {
			return true
		}
	}
	return false
}

func TestDefaultsRunBothRolesOnMemory(t *testing.T) {
	t.Parallel()
	c, err := load(t, nil, nil)
	require.NoError(t, err)
	require.Equal(t, bootstrap.RoleBoth, c.Role)
	require.Equal(t, bootstrap.BrokerMemory, c.Broker)
	require.Equal(t, ":8080", c.HTTPAddr)
	require.Equal(t, []string{"default"}, c.Queues)
	require.Equal(t, 15*time.Second, c.LeaseFor)
}

func TestPrecedenceFlagOverEnvOverDotenv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envFile := filepath.Join(dir, "popbox.env")
	require.NoError(t, os.WriteFile(envFile, []byte("POPBOX_CONCURRENCY=3\nPOPBOX_HTTP_ADDR=:7000\nPOPBOX_QUEUES=a,b\n"), 0o600))

	c, err := load(t, []string{"--env-file", envFile}, nil)
	require.NoError(t, err)
	require.Equal(t, 3, c.Concurrency)
	require.Equal(t, []string{"a", "b"}, c.Queues)

	c, err = load(t, []string{"--env-file", envFile}, map[string]string{"POPBOX_CONCURRENCY": "4"})
	require.NoError(t, err)
	require.Equal(t, 4, c.Concurrency)
	require.Equal(t, ":7000", c.HTTPAddr)

	c, err = load(t, []string{"--env-file", envFile, "--concurrency", "5"}, map[string]string{"POPBOX_CONCURRENCY": "4"})
	require.NoError(t, err)
	require.Equal(t, 5, c.Concurrency)
}

func TestInvalidSettingsNameTheSetting(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args    []string
		env     map[string]string
		setting string
	}{
		"bad role":           {env: map[string]string{"POPBOX_ROLE": "boss"}, setting: "POPBOX_ROLE"},
		"memory split roles": {args: []string{"--role", "api"}, setting: "POPBOX_BROKER"},
		"redis without url":  {args: []string{"--broker", "redis"}, setting: "POPBOX_REDIS_URL"},
		"not a number":       {env: map[string]string{"POPBOX_CONCURRENCY": "many"}, setting: "POPBOX_CONCURRENCY"},
		"zero concurrency":   {args: []string{"--concurrency", "0"}, setting: "POPBOX_CONCURRENCY"},
		"bad duration":       {env: map[string]string{"POPBOX_LEASE": "soon"}, setting: "POPBOX_LEASE"},
		"short lease":        {env: map[string]string{"POPBOX_LEASE": "10ms"}, setting: "POPBOX_LEASE"},
		"bad queue":          {env: map[string]string{"POPBOX_QUEUES": "ok,no spaces"}, setting: "POPBOX_QUEUES"},
		"weight of stranger": {env: map[string]string{"POPBOX_QUEUE_WEIGHTS": "other=2"}, setting: "POPBOX_QUEUE_WEIGHTS"},
		"bad backoff":        {env: map[string]string{"POPBOX_RETRY_BACKOFF": "fibonacci"}, setting: "POPBOX_RETRY_*"},
		"bad exporter":       {env: map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, setting: "OTEL_TRACES_EXPORTER"},
		"not a bool":         {env: map[string]string{"POPBOX_TEST_HANDLERS": "maybe"}, setting: "POPBOX_TEST_HANDLERS"},
		"bad log format":     {args: []string{"--log-format", "xml"}, setting: "POPBOX_LOG_FORMAT"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := load(t, tc.args, tc.env)
			var se *bootstrap.SettingError
			require.True(t, errors.As(err, &se), "want a SettingError, got %v", err)
			require.Equal(t, tc.setting, se.Setting)
			require.Contains(t, err.Error(), tc.setting)
		})
	}
}

func TestBareBooleanFlag(t *testing.T) {
	t.Parallel()
	c, err := load(t, []string{"--test-handlers"}, nil)
	require.NoError(t, err)
	require.True(t, c.TestHandlers)
	c, err = load(t, []string{"--test-handlers=false"}, map[string]string{"POPBOX_TEST_HANDLERS": "true"})
	require.NoError(t, err)
	require.False(t, c.TestHandlers, "the flag wins over the environment")
}

func TestRedisSplitRolesAccepted(t *testing.T) {
	t.Parallel()
	c, err := load(t, []string{"--role", "worker", "--broker", "redis"}, map[string]string{"POPBOX_REDIS_URL": "redis://127.0.0.1:6399/0"})
	require.NoError(t, err)
	require.Equal(t, bootstrap.RoleWorker, c.Role)
}

func TestReadmeDocumentsEverySetting(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	for _, s := range bootstrap.Settings() {
		def := s.Default
		if def == "" {
			def = "(empty)"
		}
		row := fmt.Sprintf("| `--%s` | `%s` | `%s` |", s.Flag, s.Env, def)
		require.Contains(t, string(readme), row, "README.md's settings table must have %s with its default", s.Env)
	}
}
