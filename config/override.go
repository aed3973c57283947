package config

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

const envPrefix = "MRCPD_"

// applyEnv applies MRCPD_SECTION_KEY=value variables. Variables that start
// with the prefix but name no key are errors: a misspelt override must not be
// ignored in production.
func applyEnv(cfg *Config, environ []string) error {
	keys := Keys()
	byEnv := make(map[string]string, len(keys))
	for _, k := range keys {
		byEnv[EnvName(k)] = k
	}
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) {
			continue
		}
		key, known := byEnv[name]
		if !known {
			// MRCPD_ variables that are not config keys (credentials files,
			// for example) belong to other parts of the program.
			continue
		}
		if err := Set(cfg, key, value); err != nil {
			return fmt.Errorf("config: %s: %w", name, err)
		}
	}
	return nil
}

func applySet(cfg *Config, s string) error {
	key, value, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("config: --set %q: want key=value", s)
	}
	if err := Set(cfg, strings.TrimSpace(key), value); err != nil {
		return fmt.Errorf("config: --set %s: %w", key, err)
	}
	return nil
}

// EnvName is the environment variable that overrides key ("sip.udp_port" ->
// "MRCPD_SIP_UDP_PORT").
func EnvName(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Keys lists every dotted key of the configuration, sorted.
func Keys() []string {
	var keys []string
	walk(reflect.TypeOf(Config{}), "", func(key string, _ []int) { keys = append(keys, key) })
	sort.Strings(keys)
	return keys
}

// Get returns the value of key formatted as it would be written in YAML.
func Get(cfg *Config, key string) (string, error) {
	f, err := field(cfg, key)
	if err != nil {
		return "", err
	}
	switch v := f.Interface().(type) {
	case time.Duration:
		return v.String(), nil
	case []string:
		return strings.Join(v, ","), nil
	default:
		return fmt.Sprint(v), nil
	}
}

// Set parses value into the field named by key. Lists are comma-separated.
func Set(cfg *Config, key, value string) error {
	f, err := field(cfg, key)
	if err != nil {
		return err
	}
	value = strings.TrimSpace(value)
	switch f.Interface().(type) {
	case time.Duration:
		d, err := time.ParseDuration(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		f.SetInt(int64(d))
	case []string:
		var list []string
		for _, item := range strings.Split(value, ",") {
			if item = strings.TrimSpace(item); item != "" {
				list = append(list, item)
			}
		}
		f.Set(reflect.ValueOf(list))
	case string:
		f.SetString(value)
	case int:
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("%s: %q is not an integer", key, value)
		}
		f.SetInt(int64(n))
	case bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("%s: %q is not a boolean", key, value)
		}
		f.SetBool(b)
	default:
		return fmt.Errorf("%s: unsupported type %s", key, f.Type())
	}
	return nil
}

func field(cfg *Config, key string) (reflect.Value, error) {
	var index []int
	walk(reflect.TypeOf(Config{}), "", func(k string, idx []int) {
		if k == key {
			index = idx
		}
	})
	if index == nil {
		return reflect.Value{}, fmt.Errorf("unknown key %q", key)
	}
	return reflect.ValueOf(cfg).Elem().FieldByIndex(index), nil
}

// walk visits every leaf field of t with its dotted YAML key and index path.
func walk(t reflect.Type, prefix string, visit func(key string, index []int)) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		if sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(time.Duration(0)) {
			walk(sf.Type, key, func(k string, idx []int) { visit(k, append([]int{i}, idx...)) })
			continue
		}
		visit(key, []int{i})
	}
}
