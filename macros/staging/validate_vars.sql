{#- Check the project's vars before anything is built and stop the run with
    one message naming the var, its value and the fix. Runs as the
    on-run-start hook, so it returns no SQL. Vars may arrive as strings from
    `--vars`, so numbers are checked by pattern before conversion. -#}
{% macro validate_vars() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}

    {%- set log_format = var('log_format') -%}
    {%- if log_format not in ['platform_csv', 'combined'] -%}
        {{ raise_invalid_var(
            'log_format', log_format,
            "use 'platform_csv' for the platform export or 'combined' for "
            ~ "an Apache/Nginx access log"
        ) }}
    {%- endif -%}

    {#- An empty start or end date means no bound on that side: an access
        log has no fixed start date like the platform's 2023-05-24. -#}
    {%- set start_date = parse_date_var('analysis_start_date', required=false) -%}
    {%- set end_date = parse_date_var('analysis_end_date', required=false) -%}
    {%- if start_date is not none and end_date is not none
        and end_date < start_date -%}
        {{ raise_invalid_var(
            'analysis_end_date', var('analysis_end_date'),
            'it is before analysis_start_date ' ~ var('analysis_start_date')
            ~ '; set an end date on or after the start date, or null for '
            ~ 'no end'
        ) }}
    {%- endif -%}

    {%- if var('timezone') not in modules.pytz.all_timezones -%}
        {{ raise_invalid_var(
            'timezone', var('timezone'),
            "use an IANA time zone name such as 'Asia/Seoul' or 'UTC'"
        ) }}
    {%- endif -%}

    {%- for name in [
        'session_timeout_minutes', 'bot_max_requests_per_minute',
        'bot_max_requests_per_day', 'month_start_days', 'push_active_days',
    ] -%}
        {%- do check_integer_var(name, minimum=1) -%}
    {%- endfor -%}
    {%- do check_integer_var('kmeans_k', minimum=2) -%}
    {%- do check_integer_var('kmeans_seed', minimum=0) -%}
    {%- for name in [
        'cohort_max_session_minutes', 'cohort_max_sessions',
        'cohort_min_listing_views',
    ] -%}
        {%- do check_integer_var(name, minimum=0) -%}
    {%- endfor -%}

    {%- if log_format == 'platform_csv' -%}
        {%- set raw_path = var('raw_path') -%}
        {%- set log_files = (
            glob_files(raw_path ~ '/log_*.csv')
            + glob_files(raw_path ~ '/log_*.csv.gz')
            + glob_files(raw_path ~ '/log_*.parquet')
        ) -%}
        {%- if not log_files -%}
            {{ raise_invalid_var(
                'raw_path', raw_path,
                'no log_*.csv, log_*.csv.gz or log_*.parquet file was found '
                ~ 'there (a missing folder looks the same); point raw_path '
                ~ 'at the export folder, or generate one with '
                ~ '`python -m recruitment_analytics.generate --out ' ~ raw_path ~ '`'
            ) }}
        {%- endif -%}
    {%- else -%}
        {%- set access_log_path = var('access_log_path') -%}
        {%- if access_log_path is none or access_log_path | string | trim == '' -%}
            {{ raise_invalid_var(
                'access_log_path', access_log_path,
                'log_format is combined, so set access_log_path to an access '
                ~ 'log file or glob'
            ) }}
        {%- elif not glob_files(access_log_path) -%}
            {{ raise_invalid_var(
                'access_log_path', access_log_path,
                'no file matches it; point it at an existing access log file '
                ~ 'or glob'
            ) }}
        {%- endif -%}
    {%- endif -%}

    {{ return('') }}
{%- endmacro %}
