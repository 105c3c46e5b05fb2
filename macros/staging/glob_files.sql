{#- Return the sorted list of files matching a glob pattern, or an empty list
    while dbt parses the project (nothing is executed then). Models call it
    before reading a source so that an absent optional file yields an empty
    relation instead of a DuckDB "No files found" error. -#}
{% macro glob_files(pattern) -%}
    {{ return(adapter.dispatch('glob_files', 'recruitment_analytics')(pattern)) }}
{%- endmacro %}

{% macro default__glob_files(pattern) -%}
    {{ exceptions.raise_compiler_error(
        "glob_files is implemented for DuckDB only; adapter '"
        ~ adapter.type() ~ "' cannot list files."
    ) }}
{%- endmacro %}

{% macro duckdb__glob_files(pattern) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select file from glob({{ dbt.string_literal(pattern) }}) order by file
    {%- endset -%}
    {%- set result = run_query(query) -%}
    {{ return(result.columns[0].values() | list) }}
{%- endmacro %}
