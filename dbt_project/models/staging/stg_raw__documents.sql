with

source as (

    select * from {{ source('raw', 'documents') }}
    -- documents whose source is gone keep their raw row (removed_at set) but leave the warehouse
    where removed_at is null

),

renamed as (

    select
        -- ids
        cast(document_id as varchar) as document_id,
        cast(content_hash as varchar) as content_hash,
        cast(source_hash as varchar) as source_hash,

        -- provenance
        cast(source_path as varchar) as source_path,
        cast(source_part as integer) as source_part,
        cast(parts_in_source as integer) as parts_in_source,

        -- descriptors
        cast(region as varchar) as region,
        cast(region_code as varchar) as region_code,
        cast(kind as varchar) as kind,
        cast(year as integer) as year,
        cast(target_year as integer) as target_year,
        cast(published_date as date) as published_date,
        cast(title as varchar) as title,
        cast(script as varchar) as script,
        cast(region_source as varchar) as region_source,

        -- triage
        cast(quarantine_reason as varchar) as quarantine_reason,
        cast(quarantine_fix as varchar) as quarantine_fix,

        -- content
        cast(char_count as integer) as char_count,
        cast(text as varchar) as document_text,

        -- load metadata
        cast(extractor_version as varchar) as extractor_version,
        cast(run_id as varchar) as run_id,
        cast(loaded_at as timestamp) as loaded_at

    from source

)

select * from renamed
