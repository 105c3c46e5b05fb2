{#- Return whether the platform export in var('raw_path') has the named
    file and the run reads the platform export at all. An access-log run
    (log_format combined) reads no side table, even when raw_path still
    holds an earlier export. -#}
{% macro platform_file_exists(file_name) -%}
    {{ return(
        var('log_format') == 'platform_csv'
        and glob_files(var('raw_path') ~ '/' ~ file_name) | length > 0
    ) }}
{%- endmacro %}
