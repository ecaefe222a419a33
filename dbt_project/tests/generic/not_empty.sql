{#
    Warns when the model has no row. An empty mart is not a reason to stop a refresh: a corpus of
    progress notices has no targets, a corpus of scraped pages may have no rankings. The warning
    shows in the refresh summary, ops.dq_results and the Data Docs all the same.
#}
{% test not_empty(model) %}

{{ config(severity = 'warn') }}

select 1 as no_rows
where not exists (select 1 from {{ model }})

{% endtest %}
