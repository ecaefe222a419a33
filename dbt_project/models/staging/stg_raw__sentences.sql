with

source as (

    select * from {{ source('raw', 'sentences') }}

),

renamed as (

    select
        cast(document_id as varchar) as document_id,
        cast(sentence_no as integer) as sentence_no,
        cast(char_start as integer) as char_start,
        cast(char_end as integer) as char_end

    from source

)

select * from renamed
